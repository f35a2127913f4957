#include "lib/net/ip_protocol_socket.hpp"

#include "lib/net/pktinfo.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace emu::net {
namespace {

[[noreturn]] void fail(const char* what) {
    throw boost::system::system_error(errno, boost::system::system_category(), what);
}

void set(int fd, int level, int option, int value, const char* what) {
    if (::setsockopt(fd, level, option, &value, sizeof value) != 0) fail(what);
}

}  // namespace

IpProtocolSocket::IpProtocolSocket(asio::io_context& io, std::uint8_t protocol)
    : socket_(io, asio::generic::raw_protocol(AF_INET, protocol)), buffer_(65536) {
    const int fd = socket_.native_handle();
    set(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
    set(fd, IPPROTO_IP, IP_TTL, 1, "IP_TTL");
    set(fd, IPPROTO_IP, IP_TOS, 0xc0, "IP_TOS");  // DSCP CS6: network control
    const unsigned char one = 1, no = 0;
    if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &one, sizeof one) != 0) fail("IP_MULTICAST_TTL");
    if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &no, sizeof no) != 0) fail("IP_MULTICAST_LOOP");
    socket_.non_blocking(true);
}

void IpProtocolSocket::join_multicast(wire::Ipv4Address group, int ifindex) {
    ip_mreqn membership{};
    membership.imr_multiaddr.s_addr = htonl(group.value);
    membership.imr_ifindex = ifindex;
    if (::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &membership, sizeof membership) != 0 &&
        errno != EADDRINUSE) {
        fail("IP_ADD_MEMBERSHIP");
    }
}

asio::awaitable<IpProtocolSocket::Packet> IpProtocolSocket::receive() {
    while (true) {
        if (auto packet = try_receive()) co_return std::move(*packet);
        co_await socket_.async_wait(asio::socket_base::wait_read, asio::use_awaitable);
    }
}

std::optional<IpProtocolSocket::Packet> IpProtocolSocket::try_receive() {
    while (true) {
        auto receipt = receive_with_pktinfo(socket_.native_handle(), buffer_);
        if (!receipt) return std::nullopt;
        // A raw IPv4 socket hands over the IP header too (RFC 791 §3.1): its length, addresses.
        const auto size = receipt->size;
        if (size < 20) continue;
        const std::size_t header_length = static_cast<std::size_t>(buffer_[0] & 0x0f) * 4;
        const std::size_t total_length = static_cast<std::size_t>(buffer_[2]) << 8 | buffer_[3];
        if (header_length < 20 || header_length > size || total_length < header_length) continue;
        Packet packet;
        packet.payload.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(header_length),
                              buffer_.begin() + static_cast<std::ptrdiff_t>(std::min(size, total_length)));
        std::uint32_t source, destination;
        std::memcpy(&source, &buffer_[12], 4);
        std::memcpy(&destination, &buffer_[16], 4);
        packet.source.value = ntohl(source);
        packet.destination.value = ntohl(destination);
        packet.ifindex = receipt->ifindex;
        return packet;
    }
}

bool IpProtocolSocket::send(wire::Bytes payload, wire::Ipv4Address to, int ifindex) {
    sockaddr_in destination{};
    destination.sin_family = AF_INET;
    destination.sin_addr.s_addr = htonl(to.value);
    return send_with_pktinfo(socket_.native_handle(), payload, destination, ifindex);
}

}  // namespace emu::net
