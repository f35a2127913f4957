#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/wire/ipv4_prefix.hpp"
#include "nodes/router/ospf_engine.hpp"
#include "nodes/router/rip_engine.hpp"

namespace emu::router {

/// An interface of the router with its IPv4 address.
struct RouterInterface {
    std::string name;  ///< the kernel's name inside the node
    wire::Ipv4Prefix address;
};

/// What emud tells emu-router (emud/topology/rip_service.cpp and ospf_service.cpp write it).
struct RouterConfig {
    std::vector<RouterInterface> interfaces;
    std::optional<RipConfig> rip;
    std::optional<OspfConfig> ospf;
};

/// Reads emud's JSON. Throws std::invalid_argument naming the key at fault.
RouterConfig router_config_from_json(const nlohmann::json& json);

}  // namespace emu::router
