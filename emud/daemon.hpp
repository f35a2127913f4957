#pragma once

#include <optional>
#include <string>

namespace emu::daemon {

struct DaemonOptions {
    bool foreground = false;    ///< stay attached, log to stderr
    std::optional<int> ready_fd;  ///< write "ready\n" here once the socket accepts (then close it)
    std::string log_level = "info";
};

/// Runs emud until SIGTERM, SIGINT or a shutdown request. Returns the exit status.
int run_daemon(const DaemonOptions& options);

}  // namespace emu::daemon
