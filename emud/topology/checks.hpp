#pragma once

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::topology {

/// Where the loader found the top-level keys, for messages about them.
struct TopLevelSpots {
    SourceSpot name;
    SourceSpot nodes;
    SourceSpot links;
};

/// The checks that need the whole lab: names, links and their endpoints, subnets and
/// addresses, gateways and routes, loops of switches. Completes the model (interfaces
/// that only links name, switch port names, kernel names) and reports into `diagnostics`.
void check_lab(Lab& lab, const TopLevelSpots& spots, Diagnostics& diagnostics);

}  // namespace emu::topology
