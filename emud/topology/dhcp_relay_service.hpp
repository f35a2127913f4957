#pragma once

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::topology {

/// Checks a router's `services: dhcp-relay:` (docs/topology.md lists its keys) and makes
/// emu-dhcp-relay's configuration from it in `service.program_config`.
void check_dhcp_relay_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics);

}  // namespace emu::topology
