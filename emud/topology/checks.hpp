#pragma once

#include <string>
#include <string_view>

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"
#include "emud/topology/sysctl_catalog.hpp"

namespace emu::topology {

/// More interfaces than this on one node are refused: a lab is not a line card, and it keeps
/// the checks linear in the size of the file.
inline constexpr std::size_t kMaxInterfacesPerNode = 1024;

/// True for a lab name emu takes: letters, digits, '-' and '_', starting with a letter or
/// digit, at most 32 characters. It becomes part of paths and namespace names.
bool is_valid_lab_name(std::string_view name);

/// What is_valid_lab_name() takes, as a hint says it.
std::string lab_name_rule();

/// True for a node name: the same characters, at most 63 (a DNS label, a host name).
bool is_valid_node_name(std::string_view name);

/// Where the loader found the top-level keys, for messages about them.
struct TopLevelSpots {
    SourceSpot name;
    SourceSpot nodes;
    SourceSpot links;
    bool name_from_option = false;  ///< the name is --name's, not the file's
};

/// The checks that need the whole lab: names, links and their endpoints, subnets and
/// addresses, gateways and routes, loops of switches. Completes the model (interfaces
/// that only links name, switch port names, kernel names) and reports into `diagnostics`.
/// Sysctls are checked against `sysctls`.
void check_lab(Lab& lab, const TopLevelSpots& spots, const SysctlCatalog& sysctls, Diagnostics& diagnostics);

}  // namespace emu::topology
