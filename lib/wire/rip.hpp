#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::wire {

/// RIP commands (RFC 2453 §4: 1 request, 2 response; the others are obsolete).
namespace rip_command {
inline constexpr std::uint8_t kRequest = 1;
inline constexpr std::uint8_t kResponse = 2;
}  // namespace rip_command

/// One route entry (RFC 2453 §4): 20 bytes. Version 1 (RFC 1058) sends zeros where version 2
/// has the tag, mask and next hop.
struct RipRoute {
    static constexpr std::size_t kSize = 20;
    /// Address family 2 is IPv4 (RFC 1700); 0 in the one entry of a whole-table request.
    static constexpr std::uint16_t kFamilyIpv4 = 2;

    std::uint16_t family = kFamilyIpv4;
    std::uint16_t route_tag = 0;
    Ipv4Address address;
    Ipv4Address mask;
    /// 0.0.0.0: through the router that sent the message (RFC 2453 §4.4).
    Ipv4Address next_hop;
    /// 1 to 15 hops; 16 is unreachable (kRipInfinity). Kept as sent: judging it is the router's job.
    std::uint32_t metric = 0;

    auto operator<=>(const RipRoute&) const = default;
};

/// An authentication entry (RFC 2453 §4.1): address family 0xFFFF in place of a route,
/// then the type (2: a plain password; 3: keyed MD5, RFC 4822, whose digest comes in a second
/// such entry at the end of the message, type 1) and 16 bytes.
struct RipAuthentication {
    static constexpr std::uint16_t kFamily = 0xFFFF;
    static constexpr std::uint16_t kTypeDigestTrailer = 1;
    static constexpr std::uint16_t kTypePassword = 2;
    static constexpr std::uint16_t kTypeKeyedMd5 = 3;

    std::uint16_t type = kTypePassword;
    std::array<std::uint8_t, 16> data{};

    auto operator<=>(const RipAuthentication&) const = default;
};

/// A RIP message (RFC 2453 §4), a UDP payload to or from port 520.
struct RipMessage {
    static constexpr std::uint16_t kPort = 520;
    static constexpr std::size_t kHeaderSize = 4;
    /// At most 25 entries (an authentication entry counts as one), so 504 bytes (§3.6).
    static constexpr std::size_t kMaximumEntries = 25;
    /// 224.0.0.9, where RIPv2 routers send to each other (§4.5).
    static constexpr Ipv4Address kMulticastGroup{0xE0000009};

    std::uint8_t command = rip_command::kResponse;
    std::uint8_t version = 2;
    /// The first entry, when it is an authentication entry.
    std::optional<RipAuthentication> authentication;
    std::vector<RipRoute> routes;
    /// The keyed-MD5 digest entry that ends the message (RFC 4822 §2), when there is one.
    std::optional<RipAuthentication> digest;

    /// §3.9.1: one entry, address family 0 and metric 16: "send me your whole table".
    bool asks_for_whole_table() const;
    /// A request for the whole table, as a router sends it when an interface comes up.
    static RipMessage whole_table_request();

    auto operator<=>(const RipMessage&) const = default;
};

/// The metric that means unreachable (RFC 2453 §3.6).
inline constexpr std::uint32_t kRipInfinity = 16;

/// Parses a RIP message: a known command, a version other than 0, whole 20-byte entries, at
/// most 25 of them, authentication only first, and a digest last exactly when the first is
/// keyed MD5 (the digest itself is not checked: that needs the key). Route contents (the
/// family, metric range, whether the address is a host's) are left to the router (§3.9.2).
Parsed<RipMessage> parse_rip(Bytes message);

/// Appends the message as stored (the caller keeps it to 25 entries).
void write_rip(Writer& out, const RipMessage& message);

}  // namespace emu::wire
