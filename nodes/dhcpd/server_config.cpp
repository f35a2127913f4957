#include "nodes/dhcpd/server_config.hpp"

#include <algorithm>

namespace emu::dhcp {

wire::Ipv4Address Subnet::mask() const {
    auto length = std::clamp(prefix.length, 0, 32);
    return wire::Ipv4Address{length == 0 ? 0u : ~std::uint32_t{0} << (32 - length)};
}

bool Subnet::hands_out(wire::Ipv4Address address) const {
    return std::any_of(pools.begin(), pools.end(), [&](const Pool& pool) { return pool.contains(address); }) ||
           std::any_of(reservations.begin(), reservations.end(),
                       [&](const Reservation& reservation) { return reservation.address == address; });
}

const Subnet* ServerConfig::subnet_of(wire::Ipv4Address address) const {
    for (const auto& subnet : subnets) {
        if (subnet.contains(address)) return &subnet;
    }
    return nullptr;
}

}  // namespace emu::dhcp
