#include "lib/wire/arp.hpp"

#include <algorithm>

namespace emu::wire {
namespace {

constexpr std::uint16_t kHardwareEthernet = 1;
constexpr std::uint16_t kProtocolIpv4 = 0x0800;

}  // namespace

Parsed<ArpPacket> parse_arp(Bytes payload) {
    Reader in(payload);
    auto hardware = in.u16("hardware type");
    auto protocol = in.u16("protocol type");
    auto hardware_length = in.u8("hardware address length");
    auto protocol_length = in.u8("protocol address length");
    if (!in.failed() && (hardware != kHardwareEthernet || protocol != kProtocolIpv4 || hardware_length != 6 ||
                         protocol_length != 4)) {
        in.fail("not ARP for IPv4 over Ethernet (hardware " + std::to_string(hardware) + ", protocol " +
                std::to_string(protocol) + ", lengths " + std::to_string(hardware_length) + "/" +
                std::to_string(protocol_length) + ")");
    }
    ArpPacket packet;
    packet.operation = in.u16("operation");
    auto sender_mac = in.bytes(6, "sender hardware address");
    packet.sender_ip.value = in.u32("sender protocol address");
    auto target_mac = in.bytes(6, "target hardware address");
    packet.target_ip.value = in.u32("target protocol address");
    if (in.failed()) return tl::unexpected(in.error());
    std::copy(sender_mac.begin(), sender_mac.end(), packet.sender_mac.bytes.begin());
    std::copy(target_mac.begin(), target_mac.end(), packet.target_mac.bytes.begin());
    return packet;
}

void write_arp(Writer& out, const ArpPacket& packet) {
    out.u16(kHardwareEthernet);
    out.u16(kProtocolIpv4);
    out.u8(6);
    out.u8(4);
    out.u16(packet.operation);
    out.bytes(packet.sender_mac.bytes);
    out.u32(packet.sender_ip.value);
    out.bytes(packet.target_mac.bytes);
    out.u32(packet.target_ip.value);
}

}  // namespace emu::wire
