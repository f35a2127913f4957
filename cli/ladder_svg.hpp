#pragma once

#include <string>
#include <vector>

#include "emud/trace/event.hpp"

namespace emu::cli {

/// A ladder (sequence) diagram of trace events as SVG: one vertical lane per node, in the
/// order nodes first appear, and one arrow per event from sender to receiver, top to bottom
/// in time order, labelled with the segment and the summaries of the timeline. Broadcast
/// and multicast frames go to a lane of their own, named by their address.
std::string ladder_svg(const std::vector<trace::TraceEvent>& events, const std::string& title);

}  // namespace emu::cli
