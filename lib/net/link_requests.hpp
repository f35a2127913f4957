#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lib/net/netlink.hpp"
#include "lib/wire/mac_address.hpp"

namespace emu::net {

/// How one network device is to be made.
struct LinkSettings {
    std::string name;
    int ifindex = 0;  ///< 0: the kernel picks one
    std::optional<int> mtu;
    std::optional<wire::MacAddress> mac;
    int master_ifindex = 0;  ///< the bridge to enslave it to, in its own namespace; 0: none
    int netns_fd = -1;       ///< the namespace to make it in; -1: the socket's
    bool up = true;
};

/// RTM_NEWLINK for a veth pair in one request: both ends named and placed in their
/// namespaces, the local end enslaved and up. The peer's `up` and `master_ifindex` are not
/// taken here (see link_requests.cpp): bring the peer up in its own namespace.
NetlinkRequest veth_pair_request(const LinkSettings& local, const LinkSettings& peer, std::string what);

/// RTM_NEWLINK for a Linux bridge; with STP its forward delay is the kernel's minimum (2 s).
NetlinkRequest bridge_request(const LinkSettings& bridge, bool stp, std::string what);

/// Sets a device's alias (IFLA_IFALIAS), which the kernel does not take at creation.
NetlinkRequest link_alias_request(int ifindex, std::string_view alias, std::string what);

/// Enslaves a device to a bridge (IFLA_MASTER), for a port that was made as a veth peer.
NetlinkRequest link_master_request(int ifindex, int master_ifindex, std::string what);

/// Brings a device up (the loopback of a new namespace, for one).
NetlinkRequest link_up_request(int ifindex, std::string what);

/// Sets a device administratively up or down (IFF_UP); a veth's peer loses its carrier with it.
NetlinkRequest link_state_request(int ifindex, bool up, std::string what);

}  // namespace emu::net
