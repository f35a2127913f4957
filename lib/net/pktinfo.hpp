#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <span>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::net {

/// One datagram read with IP_PKTINFO: how many bytes, from whom, on which interface it came
/// in and to which address it was sent.
struct PktinfoReceipt {
    std::size_t size = 0;
    sockaddr_in from{};
    int ifindex = 0;
    wire::Ipv4Address destination;
};

/// recvmsg() without waiting on a socket with IP_PKTINFO on; nullopt when nothing is queued.
/// Throws boost::system::system_error on any other failure.
std::optional<PktinfoReceipt> receive_with_pktinfo(int fd, std::span<std::uint8_t> buffer);

/// sendmsg() without waiting; with an ifindex, out of that interface (IP_PKTINFO). False when
/// the kernel refused it.
bool send_with_pktinfo(int fd, wire::Bytes payload, const sockaddr_in& to, int ifindex);

}  // namespace emu::net
