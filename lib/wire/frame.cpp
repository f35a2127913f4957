#include "lib/wire/frame.hpp"

namespace emu::wire {
namespace {

std::size_t offset_in(Bytes outer, Bytes inner) { return static_cast<std::size_t>(inner.data() - outer.data()); }

}  // namespace

std::size_t DecodedFrame::meaningful_size() const {
    if (arp) return ethernet.header.size() + ArpPacket::kSize;
    if (ipv4) return ethernet.header.size() + ipv4->header.total_length;
    return ethernet.header.size() + ethernet.payload.size();
}

Parsed<DecodedFrame> decode_frame(Bytes frame) {
    auto ethernet = parse_ethernet(frame);
    if (!ethernet) return tl::unexpected(ethernet.error());
    DecodedFrame decoded;
    decoded.ethernet = *ethernet;
    auto fail = [&](const char* layer, Bytes bytes, WireError error) {
        decoded.error = {layer, shifted(std::move(error), offset_in(frame, bytes))};
    };
    Bytes network = decoded.ethernet.payload;
    switch (decoded.ethernet.header.ether_type) {
        case ether_type::kArp:
            if (auto arp = parse_arp(network)) {
                decoded.arp = *arp;
            } else {
                fail("ARP", network, arp.error());
            }
            return decoded;
        case ether_type::kIpv4: break;
        default: return decoded;
    }
    auto ipv4 = parse_ipv4(network);
    if (!ipv4) {
        fail("IPv4", network, ipv4.error());
        return decoded;
    }
    decoded.ipv4 = std::move(*ipv4);
    if (!decoded.ipv4->header.is_first_fragment()) return decoded;
    // A first fragment holds only the start of the transport segment: ICMP and TCP headers
    // are read from it (ICMP's checksum then covers bytes not here, so it shows as wrong),
    // but UDP's length covers the whole datagram and would fail against it.
    Bytes transport = decoded.ipv4->payload;
    bool partial = decoded.ipv4->header.more_fragments;
    switch (decoded.ipv4->header.protocol) {
        case ip_protocol::kIcmp:
            if (auto icmp = parse_icmp(transport)) {
                decoded.icmp = std::move(*icmp);
            } else {
                fail("ICMP", transport, icmp.error());
            }
            break;
        case ip_protocol::kUdp:
            if (partial) break;
            if (auto udp = parse_udp(transport)) {
                decoded.udp = *udp;
            } else {
                fail("UDP", transport, udp.error());
            }
            break;
        case ip_protocol::kTcp:
            if (auto tcp = parse_tcp(transport)) {
                decoded.tcp = std::move(*tcp);
            } else {
                fail("TCP", transport, tcp.error());
            }
            break;
        default: break;
    }
    return decoded;
}

}  // namespace emu::wire
