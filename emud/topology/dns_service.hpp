#pragma once

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::topology {

/// Checks a node's `services: dns:` (docs/topology.md lists its keys): every record line of
/// every zone, at its line and column, and makes emu-dnsd's configuration from it in
/// `service.program_config` — a zone gets an SOA and an NS record naming this node when it
/// brings none, so a zone of a few lines is complete.
void check_dns_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics);

}  // namespace emu::topology
