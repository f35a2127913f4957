#pragma once

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::topology {

/// Checks a node's `services: ftp:` (docs/ftp.md lists its keys) and makes emu-ftpd's
/// configuration from it: the files (a `root` directory, or `files` written inline into the
/// node's data), the `users` and their passwords, `anonymous` read-only access, the
/// `passive_ports` and the timeouts.
void check_ftp_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics);

}  // namespace emu::topology
