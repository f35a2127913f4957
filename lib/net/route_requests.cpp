#include "lib/net/route_requests.hpp"

#include <linux/rtnetlink.h>
#include <netinet/in.h>

namespace emu::net {
namespace {

void put_address(MessageBuilder& message, int type, const wire::IpAddress& address) {
    if (address.is_v4()) {
        auto bytes = address.v4().bytes();
        message.put(type, bytes.data(), bytes.size());
    } else {
        message.put(type, address.v6().bytes.data(), address.v6().bytes.size());
    }
}

NetlinkRequest unicast_route(int type, int flags, const wire::IpPrefix& destination, const wire::IpAddress& gateway,
                             std::optional<std::uint32_t> metric, std::uint8_t protocol, std::string what) {
    MessageBuilder message(type, flags);
    rtmsg header{};
    header.rtm_family = destination.address.is_v4() ? AF_INET : AF_INET6;
    header.rtm_dst_len = static_cast<unsigned char>(destination.length);
    header.rtm_table = RT_TABLE_MAIN;
    header.rtm_protocol = protocol;
    header.rtm_scope = RT_SCOPE_UNIVERSE;
    header.rtm_type = RTN_UNICAST;
    message.header(header);
    if (destination.length > 0) put_address(message, RTA_DST, destination.network().address);
    put_address(message, RTA_GATEWAY, gateway);
    if (metric) message.put_u32(RTA_PRIORITY, *metric);
    return {message.take(), std::move(what)};
}

}  // namespace

NetlinkRequest route_request(const wire::IpPrefix& destination, const wire::IpAddress& gateway,
                             std::optional<std::uint32_t> metric, std::uint8_t protocol, std::string what) {
    return unicast_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, destination, gateway, metric, protocol,
                         std::move(what));
}

NetlinkRequest route_replacement_request(const wire::IpPrefix& destination, const wire::IpAddress& gateway,
                                         std::optional<std::uint32_t> metric, std::uint8_t protocol, std::string what) {
    return unicast_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, destination, gateway, metric, protocol,
                         std::move(what));
}

NetlinkRequest multipath_route_replacement_request(const wire::IpPrefix& destination,
                                                   const std::vector<RouteNextHop>& next_hops,
                                                   std::optional<std::uint32_t> metric, std::uint8_t protocol,
                                                   std::string what) {
    MessageBuilder message(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
    rtmsg header{};
    header.rtm_family = AF_INET;
    header.rtm_dst_len = static_cast<unsigned char>(destination.length);
    header.rtm_table = RT_TABLE_MAIN;
    header.rtm_protocol = protocol;
    header.rtm_scope = RT_SCOPE_UNIVERSE;
    header.rtm_type = RTN_UNICAST;
    message.header(header);
    if (destination.length > 0) put_address(message, RTA_DST, destination.network().address);
    if (metric) message.put_u32(RTA_PRIORITY, *metric);
    // RTA_MULTIPATH (rtnetlink(7)): an rtnexthop per way out, each followed by its own RTA_GATEWAY.
    std::vector<std::uint8_t> hops;
    for (const auto& hop : next_hops) {
        rtnexthop next{};
        next.rtnh_len = static_cast<unsigned short>(RTNH_LENGTH(RTA_SPACE(4)));
        next.rtnh_ifindex = hop.ifindex;
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(&next);
        hops.insert(hops.end(), bytes, bytes + sizeof next);
        rtattr gateway{};
        gateway.rta_len = static_cast<unsigned short>(RTA_LENGTH(4));
        gateway.rta_type = RTA_GATEWAY;
        bytes = reinterpret_cast<const std::uint8_t*>(&gateway);
        hops.insert(hops.end(), bytes, bytes + sizeof gateway);
        auto address = hop.gateway.bytes();
        hops.insert(hops.end(), address.begin(), address.end());
    }
    message.put(RTA_MULTIPATH, hops.data(), hops.size());
    return {message.take(), std::move(what)};
}

NetlinkRequest route_removal_request(const wire::IpPrefix& destination, std::optional<std::uint32_t> metric,
                                     std::string what) {
    MessageBuilder message(RTM_DELROUTE, 0);
    rtmsg header{};
    header.rtm_family = destination.address.is_v4() ? AF_INET : AF_INET6;
    header.rtm_dst_len = static_cast<unsigned char>(destination.length);
    header.rtm_table = RT_TABLE_MAIN;
    header.rtm_scope = RT_SCOPE_NOWHERE;
    message.header(header);
    if (destination.length > 0) put_address(message, RTA_DST, destination.network().address);
    if (metric) message.put_u32(RTA_PRIORITY, *metric);
    return {message.take(), std::move(what)};
}

NetlinkRequest route_removal_request(const wire::IpPrefix& destination, const wire::IpAddress& gateway,
                                     std::optional<std::uint32_t> metric, std::string what) {
    // RTPROT_UNSPEC: the kernel matches any protocol when deleting.
    return unicast_route(RTM_DELROUTE, 0, destination, gateway, metric, RTPROT_UNSPEC, std::move(what));
}

}  // namespace emu::net
