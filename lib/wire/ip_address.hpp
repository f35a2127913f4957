#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <tl/expected.hpp>

namespace emu::wire {

/// An IPv4 address in host byte order.
struct Ipv4Address {
    std::uint32_t value = 0;

    /// Parses dotted-quad text ("10.0.1.1"); nothing else is accepted.
    static tl::expected<Ipv4Address, std::string> parse(std::string_view text);
    std::array<std::uint8_t, 4> bytes() const;
    std::string to_string() const;
    auto operator<=>(const Ipv4Address&) const = default;
};

/// An IPv6 address as 16 bytes in network order.
struct Ipv6Address {
    std::array<std::uint8_t, 16> bytes{};

    /// Parses RFC 4291 §2.2 text ("2001:db8::1").
    static tl::expected<Ipv6Address, std::string> parse(std::string_view text);
    std::string to_string() const;
    bool is_link_local() const { return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80; }
    bool is_multicast() const { return bytes[0] == 0xff; }
    auto operator<=>(const Ipv6Address&) const = default;
};

/// Either family; the topology holds both.
class IpAddress {
public:
    IpAddress() = default;
    IpAddress(Ipv4Address v4) : address_(v4) {}
    IpAddress(Ipv6Address v6) : address_(v6) {}

    /// Parses IPv4 or IPv6 text.
    static tl::expected<IpAddress, std::string> parse(std::string_view text);

    bool is_v4() const { return std::holds_alternative<Ipv4Address>(address_); }
    bool is_v6() const { return std::holds_alternative<Ipv6Address>(address_); }
    const Ipv4Address& v4() const { return std::get<Ipv4Address>(address_); }
    const Ipv6Address& v6() const { return std::get<Ipv6Address>(address_); }
    int family_bits() const { return is_v4() ? 32 : 128; }
    std::string to_string() const;
    auto operator<=>(const IpAddress&) const = default;

private:
    std::variant<Ipv4Address, Ipv6Address> address_;
};

/// An address with a prefix length: an interface address ("10.0.1.10/24") or a network.
struct IpPrefix {
    IpAddress address;
    int length = 0;

    /// Parses "address/length"; the length is required.
    static tl::expected<IpPrefix, std::string> parse(std::string_view text);
    /// The prefix with every host bit cleared.
    IpPrefix network() const;
    /// True when `other` lies inside this prefix (same family, same network bits).
    bool contains(const IpAddress& other) const;
    /// True when the host bits are all zero.
    bool is_network_address() const { return network().address == address; }
    /// True for the IPv4 all-ones host part; /31 and /32 have no broadcast (RFC 3021).
    bool is_broadcast_address() const;
    /// The IPv4 directed broadcast address; only for IPv4 prefixes shorter than /31.
    Ipv4Address broadcast() const;
    std::string to_string() const;
    auto operator<=>(const IpPrefix&) const = default;
};

/// The prefix length a subnet mask stands for (255.255.255.0 → 24); none when its one bits
/// are not contiguous from the top, as RFC 4632 requires.
std::optional<int> ipv4_mask_length(Ipv4Address mask);

/// The subnet mask of a prefix length from 0 to 32 (24 → 255.255.255.0).
Ipv4Address ipv4_mask(int length);

}  // namespace emu::wire
