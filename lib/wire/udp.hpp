#pragma once

#include <cstdint>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::wire {

/// A UDP header (RFC 768).
struct UdpHeader {
    static constexpr std::size_t kSize = 8;

    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
    std::uint16_t length = 0;    // header and payload
    std::uint16_t checksum = 0;  // 0: the sender computed none (IPv4 only)

    /// Sets the length and the checksum over the IPv4 pseudo-header, this header and `payload`.
    void finish(Ipv4Address source, Ipv4Address destination, Bytes payload);
    auto operator<=>(const UdpHeader&) const = default;
};

struct UdpDatagram {
    UdpHeader header;
    /// The payload up to the UDP length.
    Bytes payload;
};

/// Parses a UDP datagram: the length field must cover the header and fit in the bytes given.
/// The checksum needs the IP addresses: ipv4_transport_checksum checks it.
Parsed<UdpDatagram> parse_udp(Bytes datagram);

/// Appends the header as stored.
void write_udp(Writer& out, const UdpHeader& header);

}  // namespace emu::wire
