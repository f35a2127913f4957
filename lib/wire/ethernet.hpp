#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/mac_address.hpp"

namespace emu::wire {

/// EtherType values this code knows by name (IEEE registry).
namespace ether_type {
inline constexpr std::uint16_t kIpv4 = 0x0800;
inline constexpr std::uint16_t kArp = 0x0806;
inline constexpr std::uint16_t kVlan = 0x8100;
inline constexpr std::uint16_t kIpv6 = 0x86dd;
}  // namespace ether_type

/// An IEEE 802.1Q tag: priority, drop-eligible bit and VLAN id.
struct VlanTag {
    std::uint8_t priority = 0;  // PCP, 3 bits
    bool drop_eligible = false;
    std::uint16_t vlan_id = 0;  // 12 bits
    auto operator<=>(const VlanTag&) const = default;
};

/// An Ethernet II header, with at most one 802.1Q tag. `ether_type` is the inner one.
struct EthernetHeader {
    MacAddress destination;
    MacAddress source;
    std::optional<VlanTag> vlan;
    std::uint16_t ether_type = 0;

    std::size_t size() const { return vlan ? 18 : 14; }
    auto operator<=>(const EthernetHeader&) const = default;
};

struct EthernetFrame {
    EthernetHeader header;
    /// What follows the header, up to the end of the frame (padding included: the layer
    /// above knows its own length).
    Bytes payload;
};

/// Parses an Ethernet II frame as a packet socket hands it over (no preamble, no FCS).
/// IEEE 802.3 length frames (type < 0x0600) are refused: nothing here speaks LLC.
Parsed<EthernetFrame> parse_ethernet(Bytes frame);

/// Appends the header.
void write_ethernet(Writer& out, const EthernetHeader& header);

}  // namespace emu::wire
