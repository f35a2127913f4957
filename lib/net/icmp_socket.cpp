#include "lib/net/icmp_socket.hpp"

#include <linux/icmp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <ctime>

namespace emu::net {
namespace {

[[noreturn]] void fail(const char* what) {
    throw boost::system::system_error(errno, boost::system::system_category(), what);
}

// SO_TIMESTAMPNS stamps with CLOCK_REALTIME, which is what system_clock reads on Linux.
IcmpSocket::Clock::time_point from_timespec(const timespec& stamp) {
    return IcmpSocket::Clock::time_point(std::chrono::duration_cast<IcmpSocket::Clock::duration>(
        std::chrono::seconds(stamp.tv_sec) + std::chrono::nanoseconds(stamp.tv_nsec)));
}

}  // namespace

IcmpSocket::IcmpSocket(asio::io_context& io, std::initializer_list<std::uint8_t> types)
    : socket_(io, asio::generic::raw_protocol(AF_INET, IPPROTO_ICMP)), buffer_(65536) {
    const int fd = socket_.native_handle();
    // ICMP_FILTER's bit n set means type n is dropped before it reaches us (raw(7)).
    icmp_filter filter{~0u};
    for (auto type : types) {
        if (type < 32) filter.data &= ~(1u << type);
    }
    if (::setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter) != 0) fail("ICMP_FILTER");
    // The kernel's receive time, so a round trip does not include our own wake-up.
    const int on = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0) fail("SO_TIMESTAMPNS");
    socket_.non_blocking(true);
}

void IcmpSocket::bind_to_device(const std::string& interface) {
    if (::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                     static_cast<socklen_t>(interface.size())) != 0) {
        fail("SO_BINDTODEVICE");
    }
}

void IcmpSocket::set_ttl(int ttl) {
    if (::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) != 0) fail("IP_TTL");
}

tl::expected<IcmpSocket::Clock::time_point, boost::system::error_code> IcmpSocket::send(wire::Bytes message,
                                                                                        wire::Ipv4Address to) {
    sockaddr_in destination{};
    destination.sin_family = AF_INET;
    destination.sin_addr.s_addr = htonl(to.value);
    const auto sent_at = Clock::now();
    while (true) {
        auto n = ::sendto(socket_.native_handle(), message.data(), message.size(), MSG_DONTWAIT,
                          reinterpret_cast<const sockaddr*>(&destination), sizeof destination);
        if (n == static_cast<ssize_t>(message.size())) return sent_at;
        if (n < 0 && errno == EINTR) continue;
        return tl::unexpected(boost::system::error_code(n < 0 ? errno : EMSGSIZE, boost::system::system_category()));
    }
}

asio::awaitable<IcmpSocket::Received> IcmpSocket::receive() {
    while (true) {
        if (auto received = try_receive()) co_return std::move(*received);
        co_await socket_.async_wait(asio::socket_base::wait_read, asio::use_awaitable);
    }
}

asio::awaitable<std::optional<IcmpSocket::Received>> IcmpSocket::receive_until(
    std::chrono::steady_clock::time_point deadline) {
    // Shared with the timer's handler, which may still be queued after we return: then it
    // must not cancel a later wait.
    struct Wait {
        bool expired = false;
        bool over = false;
    };
    auto wait = std::make_shared<Wait>();
    asio::steady_timer timer(socket_.get_executor(), deadline);
    timer.async_wait([this, wait](const boost::system::error_code& error) {
        if (error || wait->over) return;
        wait->expired = true;
        socket_.cancel();
    });
    while (true) {
        // Checked first: other programs' ICMP may keep arriving and never let the timer win.
        if (wait->expired || std::chrono::steady_clock::now() >= deadline) {
            wait->over = true;
            co_return std::nullopt;
        }
        if (auto received = try_receive()) {
            wait->over = true;
            co_return received;
        }
        boost::system::error_code ignored;  // operation_aborted: the deadline, seen above
        co_await socket_.async_wait(asio::socket_base::wait_read, asio::redirect_error(asio::use_awaitable, ignored));
    }
}

std::optional<IcmpSocket::Received> IcmpSocket::try_receive() {
    while (true) {
        iovec vector{buffer_.data(), buffer_.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
        msghdr message{};
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        auto n = ::recvmsg(socket_.native_handle(), &message, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
            fail("recvmsg");
        }
        Received received;
        received.datagram.assign(buffer_.begin(), buffer_.begin() + n);
        received.at = Clock::now();
        for (auto* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
            if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_TIMESTAMPNS) {
                timespec stamp{};
                std::memcpy(&stamp, CMSG_DATA(header), sizeof stamp);
                received.at = from_timespec(stamp);
            }
        }
        return received;
    }
}

}  // namespace emu::net
