#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "lib/wire/ip_address.hpp"

namespace emu::wire {

/// An IPv4 network: what routing tables are keyed by. Ordered by address, then length.
struct Ipv4Prefix {
    Ipv4Address address;
    int length = 0;

    /// "10.0.1.0/24" (host bits allowed: "10.0.1.1/24" is an interface's address); the error
    /// says why not.
    static tl::expected<Ipv4Prefix, std::string> parse(std::string_view text);

    /// The prefix with every host bit cleared.
    Ipv4Prefix network() const;
    bool is_network_address() const { return network().address == address; }
    /// True when `other` lies inside this prefix.
    bool contains(Ipv4Address other) const;
    /// True when every address of `other` lies inside this prefix.
    bool covers(const Ipv4Prefix& other) const { return other.length >= length && contains(other.address); }
    IpPrefix to_ip_prefix() const { return IpPrefix{address, length}; }
    std::string to_string() const;
    auto operator<=>(const Ipv4Prefix&) const = default;
};

}  // namespace emu::wire
