#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/wire/ipv4_prefix.hpp"
#include "nodes/router/ospf_engine.hpp"
#include "nodes/router/rib.hpp"
#include "nodes/router/rip_engine.hpp"

namespace emu::router {

/// An interface of the router with its IPv4 address.
struct RouterInterface {
    std::string name;  ///< the kernel's name inside the node
    wire::Ipv4Prefix address;
};

/// A static route of the router's topology (`routes:`, `gateway:`), which emud has put in
/// the kernel's table; emu-router's RIB weighs it against what the protocols learn.
struct StaticRouteConfig {
    wire::Ipv4Prefix destination;
    wire::Ipv4Address gateway;
    std::uint32_t metric = 0;
    auto operator<=>(const StaticRouteConfig&) const = default;
};

/// What emud tells emu-router (emud/topology/rip_service.cpp and ospf_service.cpp write it).
struct RouterConfig {
    std::vector<RouterInterface> interfaces;
    std::vector<StaticRouteConfig> static_routes;
    std::optional<RipConfig> rip;
    std::optional<OspfConfig> ospf;
};

/// The static routes the RIB is offered while `usable` interfaces are up: each by the
/// interface whose network holds its gateway, as the kernel resolves it; a route whose
/// gateway is on no usable interface is not offered (the kernel cannot use it either).
std::vector<RibRoute> usable_static_routes(const std::vector<StaticRouteConfig>& routes,
                                           const std::vector<RouterInterface>& interfaces,
                                           const std::set<std::string>& usable);

/// Reads emud's JSON. Throws std::invalid_argument naming the key at fault.
RouterConfig router_config_from_json(const nlohmann::json& json);

}  // namespace emu::router
