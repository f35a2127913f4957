#include "lib/net/link_udp_receiver.hpp"

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "lib/net/background_close.hpp"
#include "lib/util/system_error.hpp"
#include "lib/util/unique_fd.hpp"
#include "lib/wire/checksum.hpp"
#include "lib/wire/ipv4.hpp"
#include "lib/wire/udp.hpp"

namespace emu::net {
namespace {

// Offsets are from the start of the IPv4 header: a SOCK_DGRAM packet socket hands over the
// frame without its Ethernet header.
std::vector<sock_filter> udp_port_filter(std::uint16_t port) {
    return {
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),                  // protocol
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),  //   not UDP: drop
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),                  // flags and fragment offset
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, 4, 0),     //   a fragment (MF or an offset): drop
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),                 // X = the header's length
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),                  // UDP destination port
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),        //   not ours: drop
        BPF_STMT(BPF_RET | BPF_K, 0xffff),                      // take it whole
        BPF_STMT(BPF_RET | BPF_K, 0),                           // drop
    };
}

int open_filtered_socket(int ifindex, std::uint16_t port) {
    // Protocol 0 until the filter is on, so nothing unfiltered is queued in between.
    util::UniqueFd socket(::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket) util::throw_errno("socket(AF_PACKET, SOCK_DGRAM)");
    auto filter = udp_port_filter(port);
    sock_fprog program{static_cast<unsigned short>(filter.size()), filter.data()};
    if (::setsockopt(socket.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0) {
        util::throw_errno("SO_ATTACH_FILTER");
    }
    int one = 1;
    if (::setsockopt(socket.get(), SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) != 0) {
        util::throw_errno("PACKET_AUXDATA");
    }
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_IP);
    address.sll_ifindex = ifindex;
    if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        util::throw_errno("bind(AF_PACKET) to interface " + std::to_string(ifindex));
    }
    return socket.release();
}

}  // namespace

LinkUdpReceiver::LinkUdpReceiver(asio::io_context& io, int ifindex, std::uint16_t port)
    : socket_(io, open_filtered_socket(ifindex, port)), port_(port), buffer_(65536) {}

LinkUdpReceiver::~LinkUdpReceiver() {
    if (socket_.is_open()) close_in_background(util::UniqueFd(socket_.release()));
}

asio::awaitable<LinkUdpReceiver::Datagram> LinkUdpReceiver::receive() {
    while (true) {
        if (auto datagram = try_receive()) co_return std::move(*datagram);
        co_await socket_.async_wait(asio::posix::descriptor_base::wait_read, asio::use_awaitable);
    }
}

std::optional<LinkUdpReceiver::Datagram> LinkUdpReceiver::try_receive() {
    while (true) {
        sockaddr_ll from{};
        iovec vector{buffer_.data(), buffer_.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(tpacket_auxdata))];
        msghdr message{};
        message.msg_name = &from;
        message.msg_namelen = sizeof from;
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        auto n = ::recvmsg(socket_.native_handle(), &message, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
            util::throw_errno("recvmsg(AF_PACKET)");
        }
        // Our own transmissions come back to a packet socket as PACKET_OUTGOING.
        if (from.sll_pkttype == PACKET_OUTGOING) continue;
        if (static_cast<std::size_t>(n) > buffer_.size()) {
            ++dropped_;
            continue;
        }
        bool checksum_not_ready = false;
        for (auto* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
            if (header->cmsg_level == SOL_PACKET && header->cmsg_type == PACKET_AUXDATA) {
                tpacket_auxdata auxdata{};
                std::memcpy(&auxdata, CMSG_DATA(header), sizeof auxdata);
                checksum_not_ready = (auxdata.tp_status & TP_STATUS_CSUMNOTREADY) != 0;
            }
        }
        wire::Bytes frame(buffer_.data(), static_cast<std::size_t>(n));
        auto ip = wire::parse_ipv4(frame);
        if (!ip || !ip->checksum_valid || ip->header.protocol != wire::ip_protocol::kUdp || ip->header.is_fragment()) {
            ++dropped_;
            continue;
        }
        auto udp = wire::parse_udp(ip->payload);
        if (!udp || udp->header.destination_port != port_) {
            ++dropped_;
            continue;
        }
        // RFC 768: a zero checksum means the sender computed none.
        if (udp->header.checksum != 0 && !checksum_not_ready &&
            wire::ipv4_transport_checksum(ip->header.source, ip->header.destination, wire::ip_protocol::kUdp,
                                          ip->payload.first(udp->header.length)) != 0) {
            ++dropped_;
            continue;
        }
        Datagram datagram;
        datagram.payload.assign(udp->payload.begin(), udp->payload.end());
        datagram.source = ip->header.source;
        datagram.source_port = udp->header.source_port;
        datagram.destination = ip->header.destination;
        return datagram;
    }
}

}  // namespace emu::net
