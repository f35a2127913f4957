#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/net/asio.hpp"
#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::net {

/// A UDP socket on one port of every interface that says, for each datagram, which
/// interface it came in on and to which address (IP_PKTINFO), and sends out of a chosen
/// interface, limited broadcast (255.255.255.255) included. What DHCP servers, clients and
/// relays need: their peers often have no address to route by.
class InterfaceUdpSocket {
public:
    struct Datagram {
        std::vector<std::uint8_t> bytes;
        wire::Ipv4Address source;
        std::uint16_t source_port = 0;
        wire::Ipv4Address destination;  ///< the address it was sent to (a broadcast, or ours)
        int ifindex = 0;                ///< the interface it came in on
    };

    /// Binds 0.0.0.0:port with SO_REUSEADDR and SO_BROADCAST; with a `device`, only that
    /// interface's datagrams arrive (SO_BINDTODEVICE), so one socket per interface can share
    /// the port. Throws boost::system::system_error.
    InterfaceUdpSocket(asio::io_context& io, std::uint16_t port, const std::string& device = {});

    /// Lets the kernel queue this many bytes of datagrams for us (SO_RCVBUFFORCE, past the
    /// system's rmem_max, as root may), so a burst waits instead of being dropped while we
    /// are busy, e.g. with the disk.
    void set_receive_buffer(int bytes);

    /// Receives what is sent to `group` on the interface `ifindex` (IP_ADD_MEMBERSHIP), and
    /// sends to multicast groups with a TTL of `ttl` and without hearing itself: what a
    /// routing protocol on a link-local group (RIP's 224.0.0.9) needs. Throws
    /// boost::system::system_error.
    void join_multicast(wire::Ipv4Address group, int ifindex, int ttl = 1);

    /// The next datagram (a datagram longer than 65535 bytes cannot arrive over UDP).
    asio::awaitable<Datagram> receive();
    /// A datagram that has already arrived, without waiting; nullopt when there is none.
    std::optional<Datagram> try_receive();

    /// Sends one datagram; with an ifindex, out of that interface (and from its address).
    /// False when the kernel refused it (no route, buffer full): UDP, so the caller's
    /// protocol retransmits or the peer asks again.
    bool send(wire::Bytes payload, wire::Ipv4Address to, std::uint16_t port, int ifindex = 0);

private:
    asio::ip::udp::socket socket_;
    std::vector<std::uint8_t> buffer_;
};

}  // namespace emu::net
