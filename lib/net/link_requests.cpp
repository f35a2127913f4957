#include "lib/net/link_requests.hpp"

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>

namespace emu::net {
namespace {

constexpr int kCreate = NLM_F_CREATE | NLM_F_EXCL;
// The kernel's minimum forward delay with STP on, in centiseconds (BR_MIN_FORWARD_DELAY).
constexpr std::uint32_t kMinForwardDelay = 200;

ifinfomsg link_header(const LinkSettings& settings) {
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    header.ifi_index = settings.ifindex;
    header.ifi_flags = settings.up ? IFF_UP : 0;
    header.ifi_change = IFF_UP;
    return header;
}

// The attributes a device takes at creation (rtnl_create_link): name, MTU, address, namespace.
void put_common(MessageBuilder& message, const LinkSettings& settings) {
    message.put_string(IFLA_IFNAME, settings.name);
    if (settings.mtu) message.put_u32(IFLA_MTU, static_cast<std::uint32_t>(*settings.mtu));
    if (settings.mac) message.put(IFLA_ADDRESS, settings.mac->bytes.data(), settings.mac->bytes.size());
    if (settings.netns_fd >= 0) message.put_u32(IFLA_NET_NS_FD, static_cast<std::uint32_t>(settings.netns_fd));
}

}  // namespace

NetlinkRequest veth_pair_request(const LinkSettings& local, const LinkSettings& peer, std::string what) {
    MessageBuilder message(RTM_NEWLINK, kCreate);
    message.header(link_header(local));
    put_common(message, local);
    if (local.master_ifindex != 0) message.put_u32(IFLA_MASTER, static_cast<std::uint32_t>(local.master_ifindex));
    message.begin_nest(IFLA_LINKINFO).put_string(IFLA_INFO_KIND, "veth");
    message.begin_nest(IFLA_INFO_DATA).begin_nest(VETH_INFO_PEER);
    // The peer is an ifinfomsg followed by its attributes. It cannot be brought up here:
    // veth_newlink() configures the peer before the pair is joined, and opening a veth
    // without its peer fails with ENOTCONN. Nor can it be enslaved: IFLA_MASTER is the
    // local end's. Bring it up afterwards with link_up_request() in its namespace.
    auto peer_header = link_header(peer);
    peer_header.ifi_flags = 0;
    peer_header.ifi_change = 0;
    message.header(peer_header);
    put_common(message, peer);
    message.end_nest().end_nest().end_nest();
    return {message.take(), std::move(what)};
}

NetlinkRequest bridge_request(const LinkSettings& bridge, bool stp, std::string what) {
    MessageBuilder message(RTM_NEWLINK, kCreate);
    message.header(link_header(bridge));
    put_common(message, bridge);
    message.begin_nest(IFLA_LINKINFO).put_string(IFLA_INFO_KIND, "bridge");
    message.begin_nest(IFLA_INFO_DATA);
    message.put_u32(IFLA_BR_STP_STATE, stp ? 1 : 0);
    if (stp) message.put_u32(IFLA_BR_FORWARD_DELAY, kMinForwardDelay);
    message.end_nest().end_nest();
    return {message.take(), std::move(what)};
}

NetlinkRequest link_alias_request(int ifindex, std::string_view alias, std::string what) {
    MessageBuilder message(RTM_NEWLINK, 0);
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    header.ifi_index = ifindex;
    message.header(header);
    message.put_string(IFLA_IFALIAS, alias);
    return {message.take(), std::move(what)};
}

NetlinkRequest link_master_request(int ifindex, int master_ifindex, std::string what) {
    MessageBuilder message(RTM_NEWLINK, 0);
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    header.ifi_index = ifindex;
    message.header(header);
    message.put_u32(IFLA_MASTER, static_cast<std::uint32_t>(master_ifindex));
    return {message.take(), std::move(what)};
}

NetlinkRequest link_up_request(int ifindex, std::string what) { return link_state_request(ifindex, true, std::move(what)); }

NetlinkRequest link_state_request(int ifindex, bool up, std::string what) {
    MessageBuilder message(RTM_NEWLINK, 0);
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    header.ifi_index = ifindex;
    header.ifi_flags = up ? IFF_UP : 0;
    header.ifi_change = IFF_UP;
    message.header(header);
    return {message.take(), std::move(what)};
}

}  // namespace emu::net
