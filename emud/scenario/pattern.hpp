#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"
#include "emud/trace/event.hpp"

namespace emu::scenario {

/// One condition of a pattern: a key and the value it must have.
///   protocol: ICMP        the event has a layer of that protocol (any case)
///   segment, link, from, to   the event's own fields
///   summary: "is-at"      some layer's summary contains the text
///   any other key         a field of the layers, looked up in the named protocol's layer
///                         first, then from the top layer down (ttl is IPv4's, type ICMP's)
/// A single value must equal the field (64 matches 64 and "64"); for a field that is a
/// list (TCP flags) it must be in it. A list value must equal the field as a set:
/// `flags: [SYN, ACK]` matches a SYN-ACK and nothing else.
struct Condition {
    std::string key;
    std::vector<std::string> values;
    bool is_list = false;
    topology::SourceSpot where;        ///< the key's place in the file
    topology::SourceSpot value_where;  ///< its value's
};

/// The keys of a pattern that are not a layer's fields: the event's own, and `summary`.
inline constexpr std::array<std::string_view, 6> kEventKeys{"protocol", "segment", "link", "from", "to", "summary"};

/// What an expected trace event looks like.
struct TracePattern {
    std::vector<Condition> conditions;
    topology::SourceSpot where;

    bool matches(const trace::TraceEvent& event) const;
    /// "ICMP type=echo-request ttl=63 segment=lan3", for messages.
    std::string describe() const;
    /// What makes the pattern one no event can match, each at its place: a protocol the
    /// trace has no layer of, a field no layer of it (or of the layers in a frame with it)
    /// has (emud/trace/layer_fields.hpp), a list for a key that takes one value, an empty
    /// list; each with a way out ("did you mean 'type'?").
    std::vector<topology::Diagnostic> problems() const;
};

/// Where an ordered list of patterns stands against a trace.
struct OrderedMatch {
    std::vector<std::uint64_t> matched;  ///< the frame number each pattern matched, in order
    /// The first pattern that has no match (yet), when there is one.
    std::optional<std::size_t> missing;
    /// The newest frame looked at: a later call starts after it.
    std::uint64_t searched_after = 0;
};

/// Matches patterns in order: each must match an event after the previous one's, other
/// events may come between them. Incremental: call again with more events; `state` keeps
/// where it was.
void match_in_order(const std::vector<TracePattern>& patterns, const std::vector<trace::TraceEvent>& events,
                    OrderedMatch& state);

}  // namespace emu::scenario
