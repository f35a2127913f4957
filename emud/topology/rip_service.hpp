#pragma once

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::topology {

/// Checks a router's `services: rip:` (docs/routing.md lists its keys) and makes
/// emu-router's configuration from it in `service.program_config`.
void check_rip_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics);

}  // namespace emu::topology
