#pragma once

#include <string>

#include "lib/net/netlink.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::net {

/// RTM_NEWADDR for a static address. IPv4 gets its broadcast address (as `ip addr add …
/// brd +` would); IPv6 skips duplicate address detection, since the lab's addresses are
/// checked unique before anything is made and a tentative address cannot be used yet.
NetlinkRequest address_request(int ifindex, const wire::IpPrefix& address, std::string what);

}  // namespace emu::net
