#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "lib/net/asio.hpp"
#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::net {

/// A raw ICMP socket, as ping and traceroute use one: it sends ICMP messages with a chosen
/// TTL and receives the ICMP messages of the chosen types that reach this node, each whole
/// with its IP header and the time the kernel took it in. Needs CAP_NET_RAW. An error our
/// own kernel finds (no ARP answer for the next hop) comes as an ICMP message from this
/// node's own address: Linux sends one to the sender it could not deliver for.
class IcmpSocket {
public:
    using Clock = std::chrono::system_clock;

    struct Received {
        std::vector<std::uint8_t> datagram;  ///< the IPv4 datagram, header included
        Clock::time_point at;                ///< when the kernel received it (SO_TIMESTAMPNS)
    };

    /// Opens the socket; only messages of `types` are handed over (ICMP_FILTER), so a busy
    /// node's echo requests do not wake us. Throws boost::system::system_error.
    IcmpSocket(asio::io_context& io, std::initializer_list<std::uint8_t> types);

    /// Sends and receives through `interface` only (SO_BINDTODEVICE). Throws.
    void bind_to_device(const std::string& interface);

    /// The TTL of what is sent from now on. Throws.
    void set_ttl(int ttl);

    /// Sends one ICMP message to `to`; the time it left, or the kernel's reason for refusing
    /// it (no route: ENETUNREACH).
    tl::expected<Clock::time_point, boost::system::error_code> send(wire::Bytes message, wire::Ipv4Address to);

    /// The next ICMP message of the chosen types.
    asio::awaitable<Received> receive();

    /// The next ICMP message of the chosen types, or nullopt when none came before `deadline`.
    asio::awaitable<std::optional<Received>> receive_until(std::chrono::steady_clock::time_point deadline);

private:
    std::optional<Received> try_receive();

    asio::generic::raw_protocol::socket socket_;
    std::vector<std::uint8_t> buffer_;
};

}  // namespace emu::net
