#pragma once

#include <cstdint>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::wire {

/// IP protocol numbers this code knows by name (IANA registry).
namespace ip_protocol {
inline constexpr std::uint8_t kIcmp = 1;
inline constexpr std::uint8_t kIgmp = 2;
inline constexpr std::uint8_t kTcp = 6;
inline constexpr std::uint8_t kUdp = 17;
inline constexpr std::uint8_t kOspf = 89;
}  // namespace ip_protocol

/// An IPv4 header (RFC 791 §3.1). Every field is kept as read, so a parsed header writes
/// back to the same bytes; `finish` fills in the length and checksum of a header being made.
struct Ipv4Header {
    static constexpr std::size_t kMinimumSize = 20;

    std::uint8_t type_of_service = 0;  // DSCP and ECN (RFC 2474, RFC 3168)
    std::uint16_t total_length = 0;
    std::uint16_t identification = 0;
    bool reserved_flag = false;
    bool dont_fragment = false;
    bool more_fragments = false;
    std::uint16_t fragment_offset = 0;  // in units of 8 bytes, 13 bits
    std::uint8_t ttl = 64;
    std::uint8_t protocol = 0;
    std::uint16_t checksum = 0;
    Ipv4Address source;
    Ipv4Address destination;
    /// Options as they stand on the wire, padding included; a multiple of 4 bytes, at most 40.
    std::vector<std::uint8_t> options;

    std::size_t header_length() const { return kMinimumSize + options.size(); }
    /// True for any fragment of a fragmented datagram, the first one included.
    bool is_fragment() const { return more_fragments || fragment_offset != 0; }
    /// Only the first fragment carries the transport header.
    bool is_first_fragment() const { return fragment_offset == 0; }
    /// Sets total_length for a payload of this size, then the header checksum.
    void finish(std::size_t payload_size);
    auto operator<=>(const Ipv4Header&) const = default;
};

struct Ipv4Packet {
    Ipv4Header header;
    /// The payload up to total_length (Ethernet padding after it is not part of it).
    Bytes payload;
    /// Whether the header checksum is right; a wrong one is shown, not refused, so the
    /// trace can say so.
    bool checksum_valid = false;
};

/// Parses an IPv4 packet: version 4, a header length of at least 20 bytes and a total
/// length that covers the header and fits in the bytes given.
Parsed<Ipv4Packet> parse_ipv4(Bytes packet);

/// The start of a datagram as an ICMP error quotes it (RFC 792: the IP header and at least
/// the first 8 bytes of its payload; RFC 1812 §4.3.2.3 lets routers quote more).
struct QuotedIpv4 {
    Ipv4Header header;
    /// What of the payload is quoted: at most what total_length says, often only 8 bytes.
    Bytes leading_payload;
};

/// Parses a quoted datagram: like parse_ipv4, but the payload may stop short of total_length.
Parsed<QuotedIpv4> parse_quoted_ipv4(Bytes bytes);

/// Appends the header as stored (options padded to a multiple of 4 with zeros).
void write_ipv4(Writer& out, const Ipv4Header& header);

}  // namespace emu::wire
