#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/ip_address.hpp"
#include "lib/wire/mac_address.hpp"

namespace emu::dhcp {

/// A range of addresses the server hands out, both ends included.
struct Pool {
    wire::Ipv4Address first;
    wire::Ipv4Address last;
    bool contains(wire::Ipv4Address address) const { return first.value <= address.value && address.value <= last.value; }
};

/// An address kept for one client, by MAC, whatever else it asks for.
struct Reservation {
    wire::MacAddress mac;
    wire::Ipv4Address address;
};

/// One subnet the server serves: where its clients are (on a LAN of the server, or behind
/// a relay whose giaddr is in it), what it hands out, and the configuration that goes with it.
struct Subnet {
    wire::IpPrefix prefix;  ///< IPv4, e.g. 10.0.1.0/24
    std::vector<Pool> pools;
    std::vector<Reservation> reservations;
    std::vector<wire::Ipv4Address> routers;      ///< option 3
    std::vector<wire::Ipv4Address> dns_servers;  ///< option 6
    std::string domain_name;                     ///< option 15, when not empty
    std::uint32_t lease_seconds = 3600;          ///< option 51

    bool contains(wire::Ipv4Address address) const { return prefix.contains(wire::IpAddress(address)); }
    wire::Ipv4Address mask() const;
    /// True when the address is in one of the pools or reserved.
    bool hands_out(wire::Ipv4Address address) const;
};

/// What emu-dhcpd serves (from a node's `services: dhcp:`).
struct ServerConfig {
    std::vector<Subnet> subnets;
    /// RFC 2131 §4.3.1: an offered address is held for the client this long, so that two
    /// clients are not offered one address at once.
    std::uint32_t offer_hold_seconds = 30;
    /// A declined address (RFC 2131 §4.3.3: someone else uses it) is not offered for this long.
    std::uint32_t decline_hold_seconds = 3600;
    /// The only server on its subnets: it refuses (NAK) a REQUEST for an address it has no
    /// record of, instead of staying silent, so a client that moved starts over at once.
    bool authoritative = true;

    /// The subnet containing the address, or null.
    const Subnet* subnet_of(wire::Ipv4Address address) const;
};

}  // namespace emu::dhcp
