#pragma once

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::topology {

/// Checks a node's `services: dhcp:` (docs/topology.md lists its keys) and, when it is
/// right, makes emu-dhcpd's configuration from it (docs/dhcp.md) in
/// `service.program_config`. Each problem is reported at the key it is about.
void check_dhcp_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics);

}  // namespace emu::topology
