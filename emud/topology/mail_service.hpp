#pragma once

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::topology {

/// Checks a node's `services: smtp:` (docs/topology.md lists its keys) and makes emu-maild's
/// configuration from it: the domains it takes mail for, the users whose mailboxes it keeps,
/// its host name, the postmaster, the largest message and the idle timeout.
void check_smtp_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics);

/// Checks `services: pop3:`, which has no settings of its own: it serves the mailboxes of the
/// node's `smtp` service.
void check_pop3_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics);

/// One emu-maild serves a node's SMTP and POP3: `pop3` runs in the `smtp` service's process,
/// which is told to open port 110 too. A `pop3` without an `smtp` beside it is refused.
void merge_mail_services(Node& node, Diagnostics& diagnostics);

}  // namespace emu::topology
