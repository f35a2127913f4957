#pragma once

namespace emu::topology {

/// A place in the topology file, 1-based; line 0 means "not from the file".
struct SourceSpot {
    int line = 0;
    int column = 0;
};

}  // namespace emu::topology
