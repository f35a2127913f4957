#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emud/topology/model.hpp"

namespace emu::topology {

/// A service a node can run (`services:` in the topology) and the node program behind it.
struct ServiceKind {
    std::string name;     ///< the key under `services:`
    std::string program;  ///< the node program emud starts, found beside emud
    std::vector<NodeKind> node_kinds;  ///< the kinds of node that may run it
};

/// Every service this build knows. A name not listed here is a validation error, never ignored.
const std::vector<ServiceKind>& known_services();

/// The service called `name`, or nullptr.
const ServiceKind* find_service(std::string_view name);

}  // namespace emu::topology
