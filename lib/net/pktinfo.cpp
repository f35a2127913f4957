#include "lib/net/pktinfo.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "lib/net/asio.hpp"

namespace emu::net {

std::optional<PktinfoReceipt> receive_with_pktinfo(int fd, std::span<std::uint8_t> buffer) {
    while (true) {
        PktinfoReceipt receipt;
        iovec vector{buffer.data(), buffer.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))];
        msghdr message{};
        message.msg_name = &receipt.from;
        message.msg_namelen = sizeof receipt.from;
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        auto n = ::recvmsg(fd, &message, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
            throw boost::system::system_error(errno, boost::system::system_category(), "recvmsg");
        }
        receipt.size = static_cast<std::size_t>(n);
        for (auto* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
            if (header->cmsg_level == IPPROTO_IP && header->cmsg_type == IP_PKTINFO) {
                in_pktinfo info{};
                std::memcpy(&info, CMSG_DATA(header), sizeof info);
                receipt.ifindex = info.ipi_ifindex;
                receipt.destination.value = ntohl(info.ipi_addr.s_addr);
            }
        }
        return receipt;
    }
}

bool send_with_pktinfo(int fd, wire::Bytes payload, const sockaddr_in& to, int ifindex) {
    sockaddr_in destination = to;
    iovec vector{const_cast<std::uint8_t*>(payload.data()), payload.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
    msghdr message{};
    message.msg_name = &destination;
    message.msg_namelen = sizeof destination;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    if (ifindex != 0) {
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        auto* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = IPPROTO_IP;
        header->cmsg_type = IP_PKTINFO;
        header->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        info.ipi_ifindex = ifindex;
        std::memcpy(CMSG_DATA(header), &info, sizeof info);
    }
    return ::sendmsg(fd, &message, MSG_DONTWAIT) == static_cast<ssize_t>(payload.size());
}

}  // namespace emu::net
