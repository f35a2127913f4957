#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "lib/net/asio.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::net {

/// Receives the UDP datagrams for one port that arrive on one interface, from a packet
/// socket: what a DHCP client needs before it has an address, when the kernel's IP layer
/// would drop a unicast reply to the address it is being offered. A kernel filter (classic
/// BPF) lets only unfragmented IPv4 UDP to the port through; the IPv4 and UDP checksums are
/// checked here, except a UDP checksum the sender left to offload (TP_STATUS_CSUMNOTREADY:
/// on veth the frame never had it computed, and it is not wrong).
class LinkUdpReceiver {
public:
    struct Datagram {
        std::vector<std::uint8_t> payload;
        wire::Ipv4Address source;
        std::uint16_t source_port = 0;
        wire::Ipv4Address destination;
    };

    /// Throws SystemError (needs CAP_NET_RAW).
    LinkUdpReceiver(asio::io_context& io, int ifindex, std::uint16_t port);
    /// Pending receives end (operation_aborted); the socket is closed in the background
    /// (close_in_background: a packet socket's release waits for the kernel).
    ~LinkUdpReceiver();
    LinkUdpReceiver(const LinkUdpReceiver&) = delete;
    LinkUdpReceiver& operator=(const LinkUdpReceiver&) = delete;

    /// The next good datagram; bad ones are counted in `dropped()` and skipped.
    asio::awaitable<Datagram> receive();
    /// A datagram that has already arrived, without waiting; nullopt when there is none.
    std::optional<Datagram> try_receive();

    /// Frames the filter let through that were not a well-formed datagram for the port.
    std::uint64_t dropped() const { return dropped_; }

private:
    asio::posix::stream_descriptor socket_;
    std::uint16_t port_;
    std::vector<std::uint8_t> buffer_;
    std::uint64_t dropped_ = 0;
};

}  // namespace emu::net
