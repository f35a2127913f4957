#pragma once

#include "emud/trace/event.hpp"
#include "lib/wire/buffer.hpp"

namespace emu::trace {

/// An OSPFv2 packet (IP protocol 89) as a trace layer: `OSPF Hello dr=… bdr=… neighbors=…`,
/// `OSPF LSU router-LSA 10.0.0.1 seq=0x80000003 [stub 10.0.1.0/24 metric 10], …`, `auth=…`
/// when it is authenticated, with its fields for patterns (every LSA body's among them); a
/// packet that does not parse is an `OSPF malformed: …` layer.
Layer ospf_layer(wire::Bytes payload);

}  // namespace emu::trace
