#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/ipv4_prefix.hpp"

namespace emu::router {

/// Where a route came from.
enum class RouteSource { connected, static_route, ospf, rip };

/// "connected", "static", "ospf", "rip": as `emu-router show routes` and `ip route` say it.
const char* to_string(RouteSource source);

/// Administrative distance: which source wins when several know a destination. The values
/// every router vendor and FRR use: connected 0, static 1, OSPF 110, RIP 120.
int administrative_distance(RouteSource source);

/// One way out towards a destination.
struct NextHop {
    wire::Ipv4Address gateway;  ///< 0.0.0.0 for a connected network
    std::string interface;
    auto operator<=>(const NextHop&) const = default;
};

/// A route one source offers: several next hops when it found paths of equal cost.
struct RibRoute {
    wire::Ipv4Prefix destination;
    RouteSource source = RouteSource::static_route;
    std::uint32_t metric = 0;
    std::vector<NextHop> next_hops;
    auto operator<=>(const RibRoute&) const = default;
};

/// What the kernel's table must do for one destination: hold `route` (put in place of any
/// earlier one of ours), or lose the one we installed (`route` empty).
struct FibChange {
    wire::Ipv4Prefix destination;
    std::optional<RibRoute> route;
    /// The route of ours it replaces or removes, if there was one.
    std::optional<RibRoute> previous;
};

/// The router's routing information base: every source's routes side by side, and for each
/// destination the one that wins (lowest administrative distance, then lowest metric). Only
/// winners from the routing protocols go to the kernel: connected networks and static routes
/// are already there (the kernel's and emud's), and nothing else of the kernel's table is ours.
class Rib {
public:
    /// Replaces every route of `source` by `routes` and returns what the kernel must change.
    std::vector<FibChange> set_routes(RouteSource source, const std::vector<RibRoute>& routes);

    /// The winner for a destination, if any source knows it.
    std::optional<RibRoute> best(const wire::Ipv4Prefix& destination) const;
    /// Every destination's candidates, best first.
    std::map<wire::Ipv4Prefix, std::vector<RibRoute>> candidates() const;
    /// The routes this RIB has put in the kernel, by destination.
    const std::map<wire::Ipv4Prefix, RibRoute>& installed() const { return installed_; }
    /// Whether this RIB puts a source's winners in the kernel: the protocols' only; the kernel
    /// holds connected networks itself, and emud the static routes.
    static bool installs(RouteSource source) { return source == RouteSource::ospf || source == RouteSource::rip; }

private:
    std::map<wire::Ipv4Prefix, std::map<RouteSource, RibRoute>> routes_;
    std::map<wire::Ipv4Prefix, RibRoute> installed_;
};

}  // namespace emu::router
