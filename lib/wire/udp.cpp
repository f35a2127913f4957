#include "lib/wire/udp.hpp"

#include "lib/wire/checksum.hpp"
#include "lib/wire/ipv4.hpp"

namespace emu::wire {

Parsed<UdpDatagram> parse_udp(Bytes bytes) {
    Reader in(bytes);
    UdpDatagram datagram;
    datagram.header.source_port = in.u16("source port");
    datagram.header.destination_port = in.u16("destination port");
    datagram.header.length = in.u16("length");
    datagram.header.checksum = in.u16("checksum");
    if (!in.failed() && datagram.header.length < UdpHeader::kSize) {
        return tl::unexpected(WireError{"length " + std::to_string(datagram.header.length) + " is below 8", 4});
    }
    datagram.payload = in.bytes(datagram.header.length - UdpHeader::kSize, "payload (as the length says)");
    if (in.failed()) return tl::unexpected(in.error());
    return datagram;
}

void write_udp(Writer& out, const UdpHeader& header) {
    out.u16(header.source_port);
    out.u16(header.destination_port);
    out.u16(header.length);
    out.u16(header.checksum);
}

void UdpHeader::finish(Ipv4Address source, Ipv4Address destination, Bytes payload) {
    length = static_cast<std::uint16_t>(kSize + payload.size());
    checksum = 0;
    InternetChecksum sum;
    sum.add_u32(source.value);
    sum.add_u32(destination.value);
    sum.add_u16(ip_protocol::kUdp);
    sum.add_u16(length);
    sum.add_u16(source_port);
    sum.add_u16(destination_port);
    sum.add_u16(length);
    sum.add(payload);
    checksum = sum.value();
    // RFC 768: a computed zero is sent as all ones; zero means "no checksum".
    if (checksum == 0) checksum = 0xffff;
}

}  // namespace emu::wire
