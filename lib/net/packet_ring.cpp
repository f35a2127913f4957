#include "lib/net/packet_ring.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "lib/util/system_error.hpp"

namespace emu::net {

PacketRing::PacketRing(int ifindex, RingSize size, RingTakes takes) : size_(size) {
    fd_ = util::UniqueFd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL)));
    if (!fd_) util::throw_errno("packet socket");
    if (takes == RingTakes::incoming) {
        int ignore = 1;
        if (::setsockopt(fd_.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &ignore, sizeof ignore) != 0) {
            util::throw_errno("PACKET_IGNORE_OUTGOING (Linux 4.20 or later)");
        }
    }
    int version = TPACKET_V3;
    if (::setsockopt(fd_.get(), SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
        util::throw_errno("PACKET_VERSION TPACKET_V3");
    }
    tpacket_req3 request{};
    request.tp_block_size = size.block_size;
    request.tp_block_nr = size.block_count;
    request.tp_frame_size = 2048;  // V3 packs frames of any size; this only sizes the count below
    request.tp_frame_nr = size.block_size / request.tp_frame_size * size.block_count;
    request.tp_retire_blk_tov = size.block_timeout_ms;
    if (::setsockopt(fd_.get(), SOL_PACKET, PACKET_RX_RING, &request, sizeof request) != 0) {
        util::throw_errno("PACKET_RX_RING");
    }
    map_length_ = static_cast<std::size_t>(size.block_size) * size.block_count;
    void* map = ::mmap(nullptr, map_length_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
    if (map == MAP_FAILED) util::throw_errno("mmap packet ring");
    map_ = static_cast<std::uint8_t*>(map);
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = ifindex;
    if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        int error = errno;
        ::munmap(map_, map_length_);
        throw util::SystemError("bind packet socket to ifindex " + std::to_string(ifindex), error);
    }
}

PacketRing::~PacketRing() {
    if (map_) ::munmap(map_, map_length_);
}

std::uint8_t* PacketRing::ready_block() {
    auto* block = map_ + static_cast<std::size_t>(next_block_) * size_.block_size;
    auto* descriptor = reinterpret_cast<tpacket_block_desc*>(block);
    // The kernel hands a block over by setting TP_STATUS_USER; the acquire pairs with its release.
    auto status = __atomic_load_n(&descriptor->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
    return (status & TP_STATUS_USER) ? block : nullptr;
}

void PacketRing::release_block() {
    auto* descriptor = reinterpret_cast<tpacket_block_desc*>(map_ + static_cast<std::size_t>(next_block_) * size_.block_size);
    __atomic_store_n(&descriptor->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    next_block_ = (next_block_ + 1) % size_.block_count;
}

std::size_t PacketRing::visit_block_frames(std::uint8_t* block, void (*visit)(void*, const CapturedFrame&),
                                           void* context) {
    auto* descriptor = reinterpret_cast<tpacket_block_desc*>(block);
    auto count = descriptor->hdr.bh1.num_pkts;
    std::size_t offset = descriptor->hdr.bh1.offset_to_first_pkt;
    for (std::uint32_t i = 0; i < count; ++i) {
        // The kernel wrote the ring; still, nothing is read outside the block.
        if (offset + sizeof(tpacket3_hdr) > size_.block_size) break;
        auto* header = reinterpret_cast<tpacket3_hdr*>(block + offset);
        auto* link = reinterpret_cast<sockaddr_ll*>(block + offset + TPACKET_ALIGN(sizeof(tpacket3_hdr)));
        if (offset + header->tp_mac + header->tp_snaplen <= size_.block_size) {
            CapturedFrame frame;
            frame.data = {block + offset + header->tp_mac, header->tp_snaplen};
            frame.original_length = header->tp_len;
            frame.ifindex = link->sll_ifindex;
            frame.packet_type = link->sll_pkttype;
            frame.timestamp_ns = static_cast<std::uint64_t>(header->tp_sec) * 1'000'000'000u + header->tp_nsec;
            frame.checksum_not_ready = (header->tp_status & TP_STATUS_CSUMNOTREADY) != 0;
            if (header->tp_status & TP_STATUS_VLAN_VALID) frame.vlan_tci = header->hv1.tp_vlan_tci;
            visit(context, frame);
        }
        if (header->tp_next_offset == 0) break;
        offset += header->tp_next_offset;
    }
    return count;
}

PacketRing::Counts PacketRing::take_counts() {
    tpacket_stats_v3 stats{};
    socklen_t length = sizeof stats;
    if (::getsockopt(fd_.get(), SOL_PACKET, PACKET_STATISTICS, &stats, &length) != 0) return {};
    return {stats.tp_packets, stats.tp_drops};
}

std::span<const std::uint8_t> with_vlan_tag(std::span<const std::uint8_t> frame, std::uint16_t tci,
                                            std::vector<std::uint8_t>& out) {
    constexpr std::size_t kMacs = 12;
    if (frame.size() < kMacs) return frame;
    out.assign(frame.begin(), frame.begin() + kMacs);
    out.insert(out.end(), {0x81, 0x00, static_cast<std::uint8_t>(tci >> 8), static_cast<std::uint8_t>(tci)});
    out.insert(out.end(), frame.begin() + kMacs, frame.end());
    return out;
}

}  // namespace emu::net
