#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "lib/net/asio.hpp"
#include "nodes/host/agent_config.hpp"
#include "nodes/host/dhcp_client_loop.hpp"
#include "nodes/host/resolv_conf.hpp"

namespace emu::host {

/// emu-host's long-running part in a lab node: a DHCP client on each interface the
/// topology declares `dhcp`, each with its lease kept under the data directory.
class HostAgent {
public:
    HostAgent(asio::io_context& io, const AgentConfig& config, const std::filesystem::path& data_directory);

    /// Runs every client until stopped; throws when one of them fails.
    asio::awaitable<void> run();
    /// RELEASEs every lease (after run() has ended).
    void release();

private:
    std::unique_ptr<ResolvConf> resolv_conf_;
    std::vector<std::unique_ptr<DhcpClientLoop>> clients_;
};

}  // namespace emu::host
