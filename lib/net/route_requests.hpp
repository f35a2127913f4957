#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

/// RTM_DELROUTE for the route to `destination` through `gateway`.
NetlinkRequest route_removal_request(const wire::IpPrefix& destination, const wire::IpAddress& gateway,
                                     std::optional<std::uint32_t> metric, std::string what);

}  // namespace emu::net
