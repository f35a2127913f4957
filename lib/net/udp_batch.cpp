#include "lib/net/udp_batch.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

namespace emu::net {

UdpBatch::UdpBatch(int fd) : fd_(fd), buffers_(std::make_unique_for_overwrite<std::uint8_t[]>(kCapacity * kMaximumDatagram)) {
    int on = 1;
    if (::setsockopt(fd_, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) != 0) {
        throw std::system_error(errno, std::generic_category(), "IP_PKTINFO");
    }
    answers_.resize(kCapacity);
}

std::size_t UdpBatch::receive() {
    for (std::size_t i = 0; i < kCapacity; ++i) {
        iovecs_[i] = {buffers_.get() + i * kMaximumDatagram, kMaximumDatagram};
        auto& header = headers_[i].msg_hdr;
        header = {};
        header.msg_name = &peers_[i];
        header.msg_namelen = sizeof peers_[i];
        header.msg_iov = &iovecs_[i];
        header.msg_iovlen = 1;
        header.msg_control = controls_[i].data();
        header.msg_controllen = kControlSize;
        headers_[i].msg_len = 0;
    }
    int count;
    do {
        count = ::recvmmsg(fd_, headers_.data(), kCapacity, MSG_DONTWAIT, nullptr);
    } while (count < 0 && errno == EINTR);
    if (count < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        throw std::system_error(errno, std::generic_category(), "recvmmsg");
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
        auto& header = headers_[i].msg_hdr;
        auto& datagram = datagrams_[i];
        datagram.bytes = wire::Bytes(buffers_.get() + i * kMaximumDatagram, headers_[i].msg_len);
        datagram.peer = peers_[i];
        datagram.truncated = (header.msg_flags & MSG_TRUNC) != 0;
        local_[i].s_addr = INADDR_ANY;
        for (auto* cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr; cmsg = CMSG_NXTHDR(&header, cmsg)) {
            if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO) {
                in_pktinfo info{};
                std::memcpy(&info, CMSG_DATA(cmsg), sizeof info);
                // ipi_spec_dst: our address for this packet — the destination for a unicast
                // question, the interface's own for a broadcast one (ip(7)).
                local_[i] = info.ipi_spec_dst;
            }
        }
    }
    return static_cast<std::size_t>(count);
}

void UdpBatch::reply(std::size_t index, std::vector<std::uint8_t> bytes) {
    if (queued_ == kCapacity) send();
    auto slot = queued_++;
    answers_[slot] = std::move(bytes);
    out_iovecs_[slot] = {answers_[slot].data(), answers_[slot].size()};
    auto& header = out_headers_[slot].msg_hdr;
    header = {};
    header.msg_name = &datagrams_[index].peer;
    header.msg_namelen = sizeof(sockaddr_in);
    header.msg_iov = &out_iovecs_[slot];
    header.msg_iovlen = 1;
    if (local_[index].s_addr != INADDR_ANY) {
        header.msg_control = out_controls_[slot].data();
        header.msg_controllen = kControlSize;
        auto* cmsg = CMSG_FIRSTHDR(&header);
        cmsg->cmsg_level = IPPROTO_IP;
        cmsg->cmsg_type = IP_PKTINFO;
        cmsg->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        info.ipi_spec_dst = local_[index];
        std::memcpy(CMSG_DATA(cmsg), &info, sizeof info);
    }
}

std::size_t UdpBatch::send() {
    std::size_t refused = 0;
    std::size_t done = 0;
    while (done < queued_) {
        int sent = ::sendmmsg(fd_, out_headers_.data() + done, static_cast<unsigned>(queued_ - done), MSG_DONTWAIT);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) {
            // The first one in line was refused (a full buffer, no route): skip it, go on.
            ++refused;
            ++done;
            continue;
        }
        done += static_cast<std::size_t>(sent);
    }
    queued_ = 0;
    return refused;
}

}  // namespace emu::net
