#pragma once

#include <string>

namespace emu::node {

/// A line a protocol engine asks its program to log: a stable event name ("ftp.login",
/// "smtp.relay_refused") and the rest, so that the engine itself stays free of I/O.
struct LogLine {
    std::string event;
    std::string detail;
};

}  // namespace emu::node
