#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/model.hpp"

namespace emu::topology {

/// A service a node can run (`services:` in the topology) and the node program behind it.
struct ServiceKind {
    std::string name;     ///< the key under `services:`
    std::string program;  ///< the node program emud starts, found beside emud
    std::vector<NodeKind> node_kinds;  ///< the kinds of node that may run it
    /// Checks the settings once the whole lab is read and fills in `program_config`.
    void (*check)(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics) = nullptr;
    /// Words between the program and its --config (a subcommand).
    std::vector<std::string> arguments = {};
    /// Made by emu from something else in the topology, never written under `services:`.
    const char* implied_by = nullptr;
};

/// Every service this build knows. A name not listed here is a validation error, never ignored.
const std::vector<ServiceKind>& known_services();

/// The service called `name`, or nullptr.
const ServiceKind* find_service(std::string_view name);

/// A value of a service's settings as a message shows it: JSON, with bytes that are not
/// UTF-8 replaced (a file may hold anything).
std::string shown(const nlohmann::json& value);

/// Seconds as a topology writes them: a number, or text "2.5", "2.5s", "500ms"; none when
/// the value is neither.
std::optional<double> seconds_of(const nlohmann::json& value);

/// A key as one step of a JSON pointer (RFC 6901 §3: '~' and '/' are written ~0 and ~1), for
/// the spots of a service's settings.
std::string pointer_token(const std::string& key);

/// A path a service's settings name, made absolute against the topology file's folder;
/// nullopt when it is relative and the topology came from no file (text given directly).
std::optional<std::string> path_beside_topology(const Lab& lab, const std::string& path);

/// Runs each node's services' checks (after the addresses are known), and adds the services
/// the topology implies: emu-host's DHCP client on every node with a `dhcp` interface.
void check_services(Lab& lab, Diagnostics& diagnostics);

}  // namespace emu::topology
