#pragma once

#include <cstdint>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"
#include "lib/wire/mac_address.hpp"

namespace emu::wire {

/// An ARP packet for IPv4 over Ethernet (RFC 826), the only pairing a lab carries.
struct ArpPacket {
    static constexpr std::uint16_t kRequest = 1;
    static constexpr std::uint16_t kReply = 2;
    static constexpr std::size_t kSize = 28;

    std::uint16_t operation = kRequest;
    MacAddress sender_mac;
    Ipv4Address sender_ip;
    MacAddress target_mac;
    Ipv4Address target_ip;

    /// A gratuitous ARP announces the sender's own address (RFC 5227 §3).
    bool is_gratuitous() const { return sender_ip == target_ip; }
    auto operator<=>(const ArpPacket&) const = default;
};

/// Parses an Ethernet payload; bytes after the 28 of ARP are Ethernet padding, ignored.
Parsed<ArpPacket> parse_arp(Bytes payload);

void write_arp(Writer& out, const ArpPacket& packet);

}  // namespace emu::wire
