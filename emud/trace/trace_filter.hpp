#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emud/trace/event.hpp"

namespace emu::trace {

/// Which events a reader of the trace wants: every kind given must match (an empty list
/// matches anything). emud applies it before it sends, so a narrow look at a busy lab
/// costs only what it shows.
struct TraceFilter {
    std::vector<std::string> nodes;      ///< sent or received by one of these, on the link or end to end (IPv4)
    std::vector<std::string> links;      ///< on one of these links or segments
    std::vector<std::string> protocols;  ///< with a layer of one of these, any case ("arp", "TCP")

    bool matches(const TraceEvent& event) const;
    bool empty() const { return nodes.empty() && links.empty() && protocols.empty(); }
};

/// The filter as the `trace` method's params carry it ({"nodes": [...], "links": [...],
/// "protocols": [...]}), and back. Anything that is not a list of strings is refused.
nlohmann::json to_json(const TraceFilter& filter);
TraceFilter filter_from_json(const nlohmann::json& params);

}  // namespace emu::trace
