#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/net/netlink.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::net {

/// RTM_NEWROUTE for a unicast route in the main table through a gateway, recorded with
/// the protocol that chose it (RTPROT_STATIC for routes from the topology), so that
/// `ip route` shows where each route came from.
NetlinkRequest route_request(const wire::IpPrefix& destination, const wire::IpAddress& gateway,
                             std::optional<std::uint32_t> metric, std::uint8_t protocol, std::string what);

/// The same route, made or, when the main table has one to that destination with that
/// metric already, put in its place: a DHCP client's default route, renewed or moved.
NetlinkRequest route_replacement_request(const wire::IpPrefix& destination, const wire::IpAddress& gateway,
                                         std::optional<std::uint32_t> metric, std::uint8_t protocol, std::string what);

/// One of a multipath route's next hops.
struct RouteNextHop {
    wire::Ipv4Address gateway;
    int ifindex = 0;
};

/// RTM_NEWROUTE, made or put in place of the one with that metric, through several next hops
/// at once (RTA_MULTIPATH): the kernel spreads flows over them, an equal-cost multipath route.
NetlinkRequest multipath_route_replacement_request(const wire::IpPrefix& destination,
                                                   const std::vector<RouteNextHop>& next_hops,
                                                   std::optional<std::uint32_t> metric, std::uint8_t protocol,
                                                   std::string what);

/// RTM_DELROUTE for the route to `destination` with `metric`, whatever its next hops.
NetlinkRequest route_removal_request(const wire::IpPrefix& destination, std::optional<std::uint32_t> metric,
                                     std::string what);

/// RTM_DELROUTE for the route to `destination` through `gateway`.
NetlinkRequest route_removal_request(const wire::IpPrefix& destination, const wire::IpAddress& gateway,
                                     std::optional<std::uint32_t> metric, std::string what);

}  // namespace emu::net
