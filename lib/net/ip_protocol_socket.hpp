#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "lib/net/asio.hpp"
#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::net {

/// A raw IPv4 socket for one IP protocol (OSPF's 89), as routing daemons use it: every packet
/// of that protocol to this node, with the interface it came in on (IP_PKTINFO) and its IP
/// addresses; sent out of a chosen interface with TTL 1, not looped back, marked as network
/// control (DSCP CS6), as RFC 2328 §A.1 and FRR send OSPF. Needs CAP_NET_RAW.
class IpProtocolSocket {
public:
    struct Packet {
        std::vector<std::uint8_t> payload;  ///< after the IP header
        wire::Ipv4Address source;
        wire::Ipv4Address destination;
        int ifindex = 0;
    };

    /// Throws boost::system::system_error.
    IpProtocolSocket(asio::io_context& io, std::uint8_t protocol);

    /// Receives what is sent to `group` on interface `ifindex` (IP_ADD_MEMBERSHIP).
    void join_multicast(wire::Ipv4Address group, int ifindex);

    /// The next packet of the protocol; packets too short for their IP header are skipped.
    asio::awaitable<Packet> receive();
    std::optional<Packet> try_receive();

    /// Sends `payload` to `to` out of `ifindex`; false when the kernel refused it.
    bool send(wire::Bytes payload, wire::Ipv4Address to, int ifindex);

private:
    asio::generic::raw_protocol::socket socket_;
    std::vector<std::uint8_t> buffer_;
};

}  // namespace emu::net
