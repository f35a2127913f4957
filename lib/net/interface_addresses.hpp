#pragma once

#include <string>
#include <vector>

#include "lib/wire/ip_address.hpp"

namespace emu::net {

/// An IPv4 address of one of this namespace's interfaces.
struct InterfaceAddress {
    int ifindex = 0;
    std::string interface;  ///< its kernel name
    wire::Ipv4Address address;
    int prefix_length = 0;
};

/// Every IPv4 address in the calling thread's network namespace, read through libnl's link
/// and address caches. Throws std::runtime_error when netlink cannot be read.
std::vector<InterfaceAddress> ipv4_interface_addresses();

}  // namespace emu::net
