#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tests/integration/harness.hpp"

namespace emu::test {

/// BIRD 2 as a peer in a lab node: one `bird` started in the node with `emu exec`, in the
/// foreground, its configuration, control socket, pid file and log in a directory of the
/// test's own (nothing in /etc/bird or /run/bird). The configuration is the caller's, with
/// `log "…" all;` put in front of it. Stopped with SIGTERM when it goes.
class BirdRouter {
public:
    /// Starts bird with `config` and waits for its control socket.
    BirdRouter(TestDaemon& daemon, const std::string& lab, const std::string& node, const std::string& config);
    ~BirdRouter();
    BirdRouter(const BirdRouter&) = delete;
    BirdRouter& operator=(const BirdRouter&) = delete;

    /// One birdc command against this instance (`show ospf neighbors`, `show route`).
    CommandResult birdc(const std::string& command) const;
    /// BIRD's log, for a failing test to show.
    std::string log() const;
    /// Stops bird (SIGTERM, then SIGKILL after 5 s).
    void stop();

private:
    std::filesystem::path directory_;
    std::unique_ptr<BackgroundCommand> bird_;
};

}  // namespace emu::test
