#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

namespace emu::test {

/// FRR as a peer in a lab node: zebra and one routing daemon (ripd, ospfd) started in the
/// node with `emu exec`, every file of theirs (config, pid, vty and zebra sockets, logs) in a
/// directory of the test's own, nothing in /etc/frr or /run/frr. Stopped with SIGTERM when it
/// goes, so that FRR removes its crash-log directory under /var/tmp/frr itself.
class FrrRouter {
public:
    /// Starts zebra, waits for its socket, then starts `routing_daemon` with `config`.
    FrrRouter(TestDaemon& daemon, const std::string& lab, const std::string& node, const std::string& routing_daemon,
              const std::string& config);
    ~FrrRouter();
    FrrRouter(const FrrRouter&) = delete;
    FrrRouter& operator=(const FrrRouter&) = delete;

    /// Runs vtysh commands against this instance (`show ip rip`, `show ip ospf neighbor`).
    CommandResult vtysh(const std::vector<std::string>& commands) const;
    /// Both daemons' logs, for a failing test to show.
    std::string logs() const;
    /// Stops the routing daemon and zebra (SIGTERM, then SIGKILL after 5 s each).
    void stop();

private:
    std::filesystem::path directory_;
    std::string routing_daemon_;
    std::unique_ptr<BackgroundCommand> zebra_;
    std::unique_ptr<BackgroundCommand> routing_;
};

}  // namespace emu::test
