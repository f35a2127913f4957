#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace emu::host {

/// What `emu-host ping` is asked to do; the options are iputils ping's.
struct PingOptions {
    std::string destination;                 ///< an address or a name (resolved by DNS)
    std::optional<std::uint64_t> count;      ///< -c: stop after this many requests; none: until interrupted
    double interval_seconds = 1;             ///< -i: between requests
    double timeout_seconds = 10;             ///< -W: how long the last request waits when nothing has come back yet
    std::optional<double> deadline_seconds;  ///< -w: stop after this long, whatever happened
    std::size_t data_size = 56;              ///< -s: bytes of data after the ICMP header
    int ttl = 64;                            ///< -t
    std::string interface;                   ///< -I: send through this interface only
    bool quiet = false;                      ///< -q: only the first line and the statistics
};

/// Pings as iputils does: an ICMP echo request (RFC 792) every interval, a line for each
/// reply with its TTL and round trip and for each ICMP error about a request, and the
/// statistics at the end (also on SIGINT). Exit status 0 when a reply came, 1 when none did,
/// 2 when it could not start (no such name, no raw socket).
int run_ping(const PingOptions& options, std::ostream& out);

}  // namespace emu::host
