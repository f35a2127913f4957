#pragma once

#include <string>

#include "lib/net/netlink.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::net {

/// RTM_NEWADDR for a static address. IPv4 gets its broadcast address (as `ip addr add …
/// brd +` would); IPv6 skips duplicate address detection, since the lab's addresses are
/// checked unique before anything is made and a tentative address cannot be used yet.
NetlinkRequest address_request(int ifindex, const wire::IpPrefix& address, std::string what);

/// RTM_NEWADDR for an IPv4 address held for a time, as a DHCP lease gives it: made or
/// replaced (a renewal only moves its end), with valid and preferred lifetimes of
/// `lifetime_seconds` (0xffffffff: forever), so the kernel itself removes the address when
/// the lease ends, even if the client that took it has died.
NetlinkRequest leased_address_request(int ifindex, const wire::IpPrefix& address, std::uint32_t lifetime_seconds,
                                      std::string what);

/// RTM_DELADDR for one address of an interface.
NetlinkRequest address_removal_request(int ifindex, const wire::IpPrefix& address, std::string what);

}  // namespace emu::net
