#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodes/host/dhcp_client.hpp"

namespace emu::host {

/// What emud tells a node's agent (docs/dhcp.md, "The host's client").
struct AgentConfig {
    std::string hostname;
    std::vector<std::string> dhcp_interfaces;  ///< kernel names
    std::filesystem::path resolv_conf;         ///< empty: leave it alone
    /// RFC 2131 §4.1's first retransmission; shorter only in tests of the backoff itself.
    ClientTime first_retransmit{4000};
};

/// Reads the agent's configuration; throws std::invalid_argument naming the bad key.
AgentConfig agent_config_from_json(const nlohmann::json& json);

}  // namespace emu::host
