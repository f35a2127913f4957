#include "lib/wire/ipv4_prefix.hpp"

namespace emu::wire {

Ipv4Prefix Ipv4Prefix::network() const { return Ipv4Prefix{Ipv4Address{address.value & ipv4_mask(length).value}, length}; }

bool Ipv4Prefix::contains(Ipv4Address other) const {
    const auto mask = ipv4_mask(length).value;
    return (other.value & mask) == (address.value & mask);
}

tl::expected<Ipv4Prefix, std::string> Ipv4Prefix::parse(std::string_view text) {
    auto prefix = IpPrefix::parse(text);
    if (!prefix) return tl::unexpected(prefix.error());
    if (!prefix->address.is_v4()) return tl::unexpected("'" + std::string(text) + "' is not an IPv4 prefix");
    return Ipv4Prefix{prefix->address.v4(), prefix->length};
}

std::string Ipv4Prefix::to_string() const { return address.to_string() + "/" + std::to_string(length); }

}  // namespace emu::wire
