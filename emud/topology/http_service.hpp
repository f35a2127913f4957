#pragma once

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::topology {

/// Checks a node's `services: http:` (docs/topology.md lists its keys) and makes
/// emu-httpd's configuration from it: the site's `root` directory (absolute, or relative to
/// the topology file's folder), or its `pages` written inline.
void check_http_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics);

}  // namespace emu::topology
