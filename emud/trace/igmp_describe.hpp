#pragma once

#include "emud/trace/event.hpp"
#include "lib/wire/buffer.hpp"

namespace emu::trace {

/// An IGMP message (IP protocol 2) as a trace layer: `IGMPv2 report 239.1.2.3`, `IGMPv2 leave
/// 239.1.2.3`, `IGMPv2 query general max=10.0s`, `IGMPv3 report: 2 records, MODE_IS_INCLUDE
/// 232.1.1.1 {10.0.9.7, 10.0.9.8}, MODE_IS_EXCLUDE 239.1.2.3`, with its fields for patterns;
/// a message that does not parse is an `IGMP malformed: …` layer.
Layer igmp_layer(wire::Bytes payload);

}  // namespace emu::trace
