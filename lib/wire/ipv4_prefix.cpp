#include "lib/wire/ipv4_prefix.hpp"

namespace emu::wire {

Ipv4Prefix Ipv4Prefix::network() const { return Ipv4Prefix{Ipv4Address{address.value & ipv4_mask(length).value}, length}; }

bool Ipv4Prefix::contains(Ipv4Address other) const {
    const auto mask = ipv4_mask(length).value;
    return (other.value & mask) == (address.value & mask);
}

std::string Ipv4Prefix::to_string() const { return address.to_string() + "/" + std::to_string(length); }

}  // namespace emu::wire
