#include "cli/timeline.hpp"

#include <fmt/format.h>

namespace emu::cli {

std::string event_summary(const trace::TraceEvent& event) {
    std::string summary;
    for (const auto& layer : event.layers) {
        if (layer.protocol == "Ethernet") continue;
        if (!summary.empty()) summary += "  ";
        summary += layer.summary;
    }
    if (summary.empty() && !event.layers.empty()) summary = event.layers.front().summary;
    return summary;
}

std::string timeline_line(const trace::TraceEvent& event, std::uint64_t start_ns) {
    auto since = event.timestamp_ns >= start_ns ? event.timestamp_ns - start_ns : 0;
    auto summary = event_summary(event);
    return fmt::format("  +{}.{:06}  {:<6}  {:<24}  {}", since / 1'000'000'000, since % 1'000'000'000 / 1000,
                       event.segment, event.from + " → " + event.to, summary);
}

}  // namespace emu::cli
