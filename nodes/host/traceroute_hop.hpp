#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "nodes/host/icmp_probe.hpp"

namespace emu::host {

/// What became of one probe sent with a given TTL.
struct HopProbe {
    std::optional<ProbeAnswer> answer;  ///< nullopt: nothing came back in time
    std::chrono::nanoseconds round_trip{};
};

/// The line traceroute prints for the probes sent with TTL `ttl`, numeric as `traceroute
/// -n` prints it: " 2  10.0.12.2  0.030 ms  0.020 ms  0.019 ms". An address is printed
/// where it changes from the probe before (routers sharing the load answer in turn), "*"
/// stands for a probe nobody answered, and a mark such as "!H" follows an unreachable.
std::string format_hop(int ttl, const std::vector<HopProbe>& probes, ProbeProtocol protocol);

/// Whether this hop is the last: a probe got to the destination, or someone answered that
/// it cannot get there (anything but "time exceeded").
bool hop_ends_trace(const std::vector<HopProbe>& probes);

/// Whether a probe of this hop got to the destination.
bool hop_reached_destination(const std::vector<HopProbe>& probes);

}  // namespace emu::host
