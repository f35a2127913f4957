#pragma once

#include <cstdint>
#include <string>

#include "emud/trace/event.hpp"

namespace emu::cli {

/// What an event is, in one line: the summaries of the layers above Ethernet (Ethernet's
/// own when there is nothing above it).
std::string event_summary(const trace::TraceEvent& event);

/// One line of the timeline: time since `start_ns`, segment, sender → receiver, and the
/// summaries of the layers above Ethernet (Ethernet's own when there is nothing above).
///   +0.000041  lan1    r1 → h1                  ARP 10.0.1.1 is-at 02:00:00:00:00:01
std::string timeline_line(const trace::TraceEvent& event, std::uint64_t start_ns);

}  // namespace emu::cli
