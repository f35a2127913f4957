#include "cli/timeline.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace emu::cli {
namespace {

bool same_text_any_case(const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) ==
                                                  std::tolower(static_cast<unsigned char>(y)); });
}

template <typename Predicate>
bool any_or_empty(const std::vector<std::string>& wanted, Predicate matches) {
    return wanted.empty() || std::any_of(wanted.begin(), wanted.end(), matches);
}

}  // namespace

bool TraceFilter::matches(const trace::TraceEvent& event) const {
    return any_or_empty(nodes, [&](const std::string& node) { return event.from == node || event.to == node; }) &&
           any_or_empty(links, [&](const std::string& link) { return event.link == link || event.segment == link; }) &&
           any_or_empty(protocols, [&](const std::string& protocol) {
               return std::any_of(event.layers.begin(), event.layers.end(),
                                  [&](const trace::Layer& layer) { return same_text_any_case(layer.protocol, protocol); });
           });
}

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
