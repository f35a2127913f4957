#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace emu::wire {

/// An IEEE 802 MAC-48 address.
struct MacAddress {
    std::array<std::uint8_t, 6> bytes{};

    /// Parses six colon-separated hex octets ("02:00:5e:10:00:01").
    static tl::expected<MacAddress, std::string> parse(std::string_view text);
    std::string to_string() const;
    /// The I/G bit: a group address cannot be an interface's own address.
    bool is_multicast() const { return (bytes[0] & 0x01) != 0; }
    /// The U/L bit: set on addresses a person or program chose (IEEE 802 §8.2).
    bool is_locally_administered() const { return (bytes[0] & 0x02) != 0; }
    auto operator<=>(const MacAddress&) const = default;
};

}  // namespace emu::wire
