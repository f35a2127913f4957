#pragma once

#include <string>

#include "nodes/host/dhcp_client.hpp"

namespace emu::host {

/// A lease as `emu-host dhcp` prints it: one `key  value` line per fact.
std::string lease_text(const std::string& interface, const DhcpLease& lease);

}  // namespace emu::host
