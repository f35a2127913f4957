#pragma once

// Addresses between Asio's sockets and our wire types, byte for byte (no text in between).

#include "lib/net/asio.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::net {

/// A socket's address as the wire codecs and engines take it.
inline wire::IpAddress wire_address(const asio::ip::address& address) {
    if (address.is_v4()) return wire::Ipv4Address{address.to_v4().to_uint()};
    wire::Ipv6Address v6;
    v6.bytes = address.to_v6().to_bytes();
    return v6;
}

/// An address from the wire codecs, for a socket.
inline asio::ip::address asio_address(const wire::IpAddress& address) {
    if (address.is_v4()) return asio::ip::address_v4(address.v4().value);
    return asio::ip::address_v6(address.v6().bytes);
}

}  // namespace emu::net
