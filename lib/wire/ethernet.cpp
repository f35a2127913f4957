#include "lib/wire/ethernet.hpp"

#include <algorithm>

namespace emu::wire {
namespace {

MacAddress read_mac(Reader& in, const char* field) {
    MacAddress mac;
    auto bytes = in.bytes(6, field);
    if (!bytes.empty()) std::copy(bytes.begin(), bytes.end(), mac.bytes.begin());
    return mac;
}

}  // namespace

Parsed<EthernetFrame> parse_ethernet(Bytes frame) {
    Reader in(frame);
    EthernetFrame result;
    result.header.destination = read_mac(in, "destination MAC");
    result.header.source = read_mac(in, "source MAC");
    result.header.ether_type = in.u16("EtherType");
    if (!in.failed() && result.header.ether_type == ether_type::kVlan) {
        // IEEE 802.1Q §9.6: tag control information, then the encapsulated EtherType.
        auto control = in.u16("802.1Q tag");
        result.header.vlan = VlanTag{static_cast<std::uint8_t>(control >> 13), (control & 0x1000) != 0,
                                     static_cast<std::uint16_t>(control & 0x0fff)};
        result.header.ether_type = in.u16("EtherType after the 802.1Q tag");
    }
    if (!in.failed() && result.header.ether_type < 0x0600) in.fail("an IEEE 802.3 length field, not an EtherType");
    if (in.failed()) return tl::unexpected(in.error());
    result.payload = in.rest();
    return result;
}

void write_ethernet(Writer& out, const EthernetHeader& header) {
    out.bytes(header.destination.bytes);
    out.bytes(header.source.bytes);
    if (header.vlan) {
        out.u16(ether_type::kVlan);
        out.u16(static_cast<std::uint16_t>(header.vlan->priority << 13 | (header.vlan->drop_eligible ? 0x1000 : 0) |
                                           (header.vlan->vlan_id & 0x0fff)));
    }
    out.u16(header.ether_type);
}

}  // namespace emu::wire
