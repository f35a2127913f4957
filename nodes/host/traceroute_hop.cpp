#include "nodes/host/traceroute_hop.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace emu::host {

std::string format_hop(int ttl, const std::vector<HopProbe>& probes, ProbeProtocol protocol) {
    std::string line = fmt::format("{:2} ", ttl);
    std::optional<wire::Ipv4Address> last_printed;
    for (const auto& probe : probes) {
        if (!probe.answer) {
            line += " *";
            continue;
        }
        if (last_printed != probe.answer->responder) {
            line += " " + probe.answer->responder.to_string();
            last_printed = probe.answer->responder;
        }
        line += fmt::format("  {:.3f} ms", static_cast<double>(probe.round_trip.count()) / 1e6);
        if (auto mark = traceroute_annotation(*probe.answer, protocol); !mark.empty()) line += " " + mark;
    }
    return line;
}

bool hop_ends_trace(const std::vector<HopProbe>& probes) {
    return std::any_of(probes.begin(), probes.end(),
                       [](const HopProbe& probe) { return probe.answer && !probe.answer->is_time_exceeded(); });
}

bool hop_reached_destination(const std::vector<HopProbe>& probes) {
    return std::any_of(probes.begin(), probes.end(),
                       [](const HopProbe& probe) { return probe.answer && probe.answer->reached_destination(); });
}

}  // namespace emu::host
