#pragma once

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::topology {

/// Checks a router's `services: ospf:` (docs/topology.md lists its keys) and makes
/// emu-router's configuration: per interface its network type (point-to-point towards
/// another node, broadcast onto a switch, unless set), cost, priority and timers.
void check_ospf_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics);

}  // namespace emu::topology
