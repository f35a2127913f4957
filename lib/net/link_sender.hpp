#pragma once

#include <cstdint>

#include "lib/util/unique_fd.hpp"
#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"
#include "lib/wire/mac_address.hpp"

namespace emu::net {

/// Sends UDP over IPv4 to a MAC address of the caller's choosing, without ARP: how a DHCP
/// server reaches a client that has no address yet and asked for no broadcast (RFC 2131
/// §4.1). A packet socket (SOCK_DGRAM: the kernel adds the Ethernet header); the IPv4 and
/// UDP headers, checksums included, are made here with lib/wire.
class Ipv4LinkSender {
public:
    /// Throws SystemError (needs CAP_NET_RAW).
    Ipv4LinkSender();
    /// The socket is closed in the background (close_in_background: a packet socket's
    /// release waits for the kernel).
    ~Ipv4LinkSender();
    Ipv4LinkSender(Ipv4LinkSender&&) = default;
    Ipv4LinkSender& operator=(Ipv4LinkSender&&) = delete;

    struct Udp {
        wire::Ipv4Address source;
        wire::Ipv4Address destination;
        std::uint16_t source_port = 0;
        std::uint16_t destination_port = 0;
    };
    /// False when the kernel refused it.
    bool send(int ifindex, const wire::MacAddress& to, const Udp& addressing, wire::Bytes payload);

private:
    util::UniqueFd socket_;
};

}  // namespace emu::net
