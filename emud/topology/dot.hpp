#pragma once

#include <string>

#include "emud/topology/model.hpp"

namespace emu::topology {

/// The lab as a Graphviz DOT graph: one vertex per node (shape by kind), one edge per link
/// labelled with the interfaces and their addresses at each end.
std::string to_dot(const Lab& lab);

}  // namespace emu::topology
