#include "lib/net/udp_socket.hpp"

#include "lib/net/pktinfo.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace emu::net {

InterfaceUdpSocket::InterfaceUdpSocket(asio::io_context& io, std::uint16_t port, const std::string& device)
    : socket_(io, asio::ip::udp::v4()), buffer_(65536) {
    if (!device.empty() && ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, device.c_str(),
                                        static_cast<socklen_t>(device.size())) != 0) {
        throw boost::system::system_error(errno, boost::system::system_category(), "SO_BINDTODEVICE " + device);
    }
    socket_.set_option(asio::socket_base::reuse_address(true));
    socket_.set_option(asio::socket_base::broadcast(true));
    int one = 1;
    if (::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_PKTINFO, &one, sizeof one) != 0) {
        throw boost::system::system_error(errno, boost::system::system_category(), "IP_PKTINFO");
    }
    socket_.bind(asio::ip::udp::endpoint(asio::ip::address_v4::any(), port));
    socket_.non_blocking(true);
}

void InterfaceUdpSocket::set_receive_buffer(int bytes) {
    if (::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0 &&
        ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0) {
        throw boost::system::system_error(errno, boost::system::system_category(), "SO_RCVBUF");
    }
}

void InterfaceUdpSocket::join_multicast(wire::Ipv4Address group, int ifindex, int ttl) {
    const int fd = socket_.native_handle();
    ip_mreqn membership{};
    membership.imr_multiaddr.s_addr = htonl(group.value);
    membership.imr_ifindex = ifindex;
    const unsigned char hops = static_cast<unsigned char>(ttl), no = 0;
    if (::setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &membership, sizeof membership) != 0 ||
        ::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &hops, sizeof hops) != 0 ||
        ::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &no, sizeof no) != 0) {
        throw boost::system::system_error(errno, boost::system::system_category(),
                                          "joining " + group.to_string() + " on interface " + std::to_string(ifindex));
    }
}

asio::awaitable<InterfaceUdpSocket::Datagram> InterfaceUdpSocket::receive() {
    while (true) {
        if (auto datagram = try_receive()) co_return std::move(*datagram);
        co_await socket_.async_wait(asio::socket_base::wait_read, asio::use_awaitable);
    }
}

std::optional<InterfaceUdpSocket::Datagram> InterfaceUdpSocket::try_receive() {
    auto receipt = receive_with_pktinfo(socket_.native_handle(), buffer_);
    if (!receipt) return std::nullopt;
    Datagram datagram;
    datagram.bytes.assign(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(receipt->size));
    datagram.source.value = ntohl(receipt->from.sin_addr.s_addr);
    datagram.source_port = ntohs(receipt->from.sin_port);
    datagram.ifindex = receipt->ifindex;
    datagram.destination = receipt->destination;
    return datagram;
}

bool InterfaceUdpSocket::send(wire::Bytes payload, wire::Ipv4Address to, std::uint16_t port, int ifindex) {
    sockaddr_in destination{};
    destination.sin_family = AF_INET;
    destination.sin_port = htons(port);
    destination.sin_addr.s_addr = htonl(to.value);
    return send_with_pktinfo(socket_.native_handle(), payload, destination, ifindex);
}

}  // namespace emu::net
