#pragma once

#include <optional>
#include <string>

#include "lib/wire/arp.hpp"
#include "lib/wire/buffer.hpp"
#include "lib/wire/ethernet.hpp"
#include "lib/wire/icmp.hpp"
#include "lib/wire/ipv4.hpp"
#include "lib/wire/tcp.hpp"
#include "lib/wire/udp.hpp"

namespace emu::wire {

/// A frame read layer by layer, as far as the layers go: Ethernet, then ARP or IPv4, then
/// ICMP, UDP or TCP. Every view points into the frame's bytes.
struct DecodedFrame {
    EthernetFrame ethernet;
    std::optional<ArpPacket> arp;
    std::optional<Ipv4Packet> ipv4;
    std::optional<IcmpMessage> icmp;
    std::optional<UdpDatagram> udp;
    std::optional<TcpSegment> tcp;
    /// The layer that did not parse ("IPv4", "TCP", …) and why; the layers below it stand.
    std::optional<std::pair<std::string, WireError>> error;

    /// The bytes of the frame that its layers account for: without Ethernet padding.
    std::size_t meaningful_size() const;
};

/// Decodes what this code knows of a frame. Only an unreadable Ethernet header fails;
/// an inner layer that does not parse is recorded in `error`, its offset counted from the
/// start of the frame. A fragment other than the first carries no transport header.
Parsed<DecodedFrame> decode_frame(Bytes frame);

}  // namespace emu::wire
