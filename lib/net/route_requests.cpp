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

NetlinkRequest route_removal_request(const wire::IpPrefix& destination, const wire::IpAddress& gateway,
                                     std::optional<std::uint32_t> metric, std::string what) {
    // RTPROT_UNSPEC: the kernel matches any protocol when deleting.
    return unicast_route(RTM_DELROUTE, 0, destination, gateway, metric, RTPROT_UNSPEC, std::move(what));
}

}  // namespace emu::net
