#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/wire/ip_address.hpp"
#include "lib/wire/mac_address.hpp"

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

/// What a program bound to one interface needs to know of it.
struct InterfaceLink {
    int ifindex = 0;
    wire::MacAddress mac;
    int mtu = 1500;
};

/// The interface called `name` (its kernel name) in the calling thread's network namespace,
/// or nullopt when there is none. Throws std::runtime_error when netlink cannot be read.
std::optional<InterfaceLink> interface_link(const std::string& name);

}  // namespace emu::net
