#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "lib/wire/buffer.hpp"

namespace emu::net {

/// A UDP server's datagrams in batches: up to kCapacity questions read with one
/// recvmmsg(2), their answers sent with one sendmmsg(2) — two system calls for a whole
/// batch instead of two (and an epoll_wait) per datagram, which is most of a small UDP
/// server's cost. Each answer leaves from the address its question was sent to (IP_PKTINFO),
/// so a client that asked one of a node's addresses hears back from that one, as it expects
/// (RFC 1122 §4.1.3.5 for UDP: the reply's source is the request's destination).
class UdpBatch {
public:
    static constexpr std::size_t kCapacity = 32;
    /// Datagrams longer than this arrive cut and are flagged `truncated`: no question a
    /// client has reason to send is near it.
    static constexpr std::size_t kMaximumDatagram = 4096;

    struct Datagram {
        wire::Bytes bytes;
        sockaddr_in peer{};
        bool truncated = false;
    };

    /// `fd` is a bound, non-blocking IPv4 UDP socket; IP_PKTINFO is turned on for it.
    /// Throws std::system_error when it cannot be.
    explicit UdpBatch(int fd);

    /// Reads the datagrams waiting, up to kCapacity, without blocking: how many (0 when none
    /// are). Throws std::system_error on an error that is not "nothing waiting".
    std::size_t receive();
    const Datagram& datagram(std::size_t index) const { return datagrams_[index]; }

    /// Queues the answer to datagram `index` (the bytes are kept until send()).
    void reply(std::size_t index, std::vector<std::uint8_t> bytes);
    /// Sends every queued answer and forgets them; how many the kernel refused (UDP: the
    /// client asks again).
    std::size_t send();

private:
    int fd_;
    std::unique_ptr<std::uint8_t[]> buffers_;
    std::array<Datagram, kCapacity> datagrams_{};
    std::array<mmsghdr, kCapacity> headers_{};
    std::array<iovec, kCapacity> iovecs_{};
    std::array<sockaddr_in, kCapacity> peers_{};
    static constexpr std::size_t kControlSize = CMSG_SPACE(sizeof(in_pktinfo));
    std::array<std::array<std::byte, kControlSize>, kCapacity> controls_{};
    std::array<in_addr, kCapacity> local_{};  // the address each question came to

    std::vector<std::vector<std::uint8_t>> answers_;
    std::array<mmsghdr, kCapacity> out_headers_{};
    std::array<iovec, kCapacity> out_iovecs_{};
    std::array<std::array<std::byte, kControlSize>, kCapacity> out_controls_{};
    std::size_t queued_ = 0;
};

}  // namespace emu::net
