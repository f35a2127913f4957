#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "nodes/host/icmp_probe.hpp"

namespace emu::host {

/// What `emu-host traceroute` is asked to do; the options are Linux traceroute's.
struct TracerouteOptions {
    std::string destination;                      ///< an address or a name (resolved by DNS)
    ProbeProtocol protocol = ProbeProtocol::udp;  ///< -I: ICMP echo requests instead of UDP
    int first_ttl = 1;                            ///< -f
    int max_ttl = 30;                             ///< -m
    int queries = 3;                              ///< -q: probes per hop
    double wait_seconds = 5;                      ///< -w: how long a hop's probes wait for answers
    std::uint16_t port = 33434;                   ///< -p: UDP's first destination port, one more per probe
    std::string interface;                        ///< -i: send through this interface only
    std::size_t packet_length = 60;               ///< IP header included, as traceroute counts it
};

/// Traces the path to a destination the way the seed describes it: probes with TTL 1, 2,
/// 3 …; each router where one runs out of TTL answers "time exceeded" (RFC 792) from its
/// own address, which makes one line; the destination's answer ("port unreachable" to UDP,
/// an echo reply to ICMP) or an "unreachable" from a router ends it. Exit status 0 when the
/// destination answered, 1 when it did not within the hops, 2 when it could not start.
int run_traceroute(const TracerouteOptions& options, std::ostream& out);

}  // namespace emu::host
