#pragma once

#include <vector>

#include "emud/trace/event.hpp"
#include "lib/wire/buffer.hpp"

namespace emu::trace {

/// How a frame was captured, as far as decoding cares.
struct CaptureFacts {
    /// The kernel left the transport checksum for offload: do not call it wrong.
    bool checksum_not_ready = false;
};

/// The layers of a frame, lowest first, each with its summary line and fields. A layer that
/// does not parse ends the list with a layer "malformed" that says which and why.
std::vector<Layer> describe_frame(wire::Bytes frame, CaptureFacts facts = {});

}  // namespace emu::trace
