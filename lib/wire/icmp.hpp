#pragma once

#include <cstdint>
#include <optional>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ipv4.hpp"

namespace emu::wire {

/// ICMP message types this code knows by name (RFC 792).
namespace icmp_type {
inline constexpr std::uint8_t kEchoReply = 0;
inline constexpr std::uint8_t kDestinationUnreachable = 3;
inline constexpr std::uint8_t kRedirect = 5;
inline constexpr std::uint8_t kEchoRequest = 8;
inline constexpr std::uint8_t kTimeExceeded = 11;
inline constexpr std::uint8_t kParameterProblem = 12;
}  // namespace icmp_type

/// The fixed part of every ICMP message: type, code, checksum and the 4 bytes whose meaning
/// the type decides (RFC 792).
struct IcmpHeader {
    static constexpr std::size_t kSize = 8;

    std::uint8_t type = 0;
    std::uint8_t code = 0;
    std::uint16_t checksum = 0;
    std::uint32_t rest_of_header = 0;

    bool is_echo() const { return type == icmp_type::kEchoRequest || type == icmp_type::kEchoReply; }
    /// Error messages quote the datagram that caused them.
    bool is_error() const;
    std::uint16_t echo_identifier() const { return static_cast<std::uint16_t>(rest_of_header >> 16); }
    std::uint16_t echo_sequence() const { return static_cast<std::uint16_t>(rest_of_header); }
    /// RFC 1191 §4: "fragmentation needed" carries the next hop's MTU in the low 16 bits.
    std::uint16_t next_hop_mtu() const { return static_cast<std::uint16_t>(rest_of_header); }
    /// The gateway a Redirect points to.
    Ipv4Address redirect_gateway() const { return Ipv4Address{rest_of_header}; }
    static IcmpHeader echo(std::uint8_t type, std::uint16_t identifier, std::uint16_t sequence);
    /// Sets the checksum over this header and `body`.
    void finish(Bytes body);
    auto operator<=>(const IcmpHeader&) const = default;
};

struct IcmpMessage {
    IcmpHeader header;
    /// Everything after the first 8 bytes: echo data, or the quoted datagram of an error.
    Bytes body;
    bool checksum_valid = false;
    /// The datagram an error quotes, when the body holds a readable one.
    std::optional<QuotedIpv4> quoted;
};

/// Parses an ICMP message (an IPv4 payload, whole).
Parsed<IcmpMessage> parse_icmp(Bytes message);

/// Appends the header as stored.
void write_icmp(Writer& out, const IcmpHeader& header);

}  // namespace emu::wire
