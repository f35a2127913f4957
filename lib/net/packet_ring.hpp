#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lib/util/unique_fd.hpp"

namespace emu::net {

/// One frame as the kernel handed it over. `data` points into the ring and is valid only
/// during the visit.
struct CapturedFrame {
    std::span<const std::uint8_t> data;
    std::uint32_t original_length = 0;  ///< on the wire; data may be shorter (snap length)
    int ifindex = 0;
    std::uint8_t packet_type = 0;  ///< PACKET_HOST, PACKET_OUTGOING, … (linux/if_packet.h)
    std::uint64_t timestamp_ns = 0;  ///< kernel time of capture, since the epoch
    /// The transport checksum was left for offload (TP_STATUS_CSUMNOTREADY): it is not wrong,
    /// it was never finished; on a veth that is the usual case for what a node sends.
    bool checksum_not_ready = false;
    /// An 802.1Q tag the kernel took off the frame (TP_STATUS_VLAN_VALID), to be put back.
    std::optional<std::uint16_t> vlan_tci;
};

/// Sizes of a TPACKET_V3 receive ring: `block_count` blocks of `block_size` bytes (a power
/// of two, a multiple of the page size). A block goes to user space when it is full or
/// `block_timeout_ms` after its first frame, whichever comes first.
struct RingSize {
    std::uint32_t block_size = 1u << 20;
    std::uint32_t block_count = 4;
    std::uint32_t block_timeout_ms = 10;
};

/// Which frames a ring takes: all, or only those the interface receives. A switch port's
/// frames are wanted as they enter the switch; with `incoming`, the kernel does not copy
/// the same frame again as it leaves by another port (PACKET_IGNORE_OUTGOING, Linux 4.20),
/// which halves what a switch's ring carries.
enum class RingTakes { every_frame, incoming };

/// A packet socket with a memory-mapped TPACKET_V3 receive ring, the way libpcap reads on
/// Linux: the kernel fills blocks of frames and user space reads them without a copy or
/// a system call per frame. The socket belongs to the network namespace of the thread
/// that makes it. When every block is full the kernel drops frames and counts them.
class PacketRing {
public:
    /// Opens the socket for every protocol on `ifindex` (0: every interface of the namespace).
    PacketRing(int ifindex, RingSize size, RingTakes takes = RingTakes::every_frame);
    ~PacketRing();
    PacketRing(const PacketRing&) = delete;
    PacketRing& operator=(const PacketRing&) = delete;

    int fd() const { return fd_.get(); }

    /// Visits every frame of the blocks the kernel has handed over (at most `max_blocks` of
    /// them), oldest first, and gives the blocks back. Returns how many frames were visited;
    /// never blocks.
    template <typename Visit>
    std::size_t drain(Visit&& visit, std::size_t max_blocks = SIZE_MAX) {
        std::size_t frames = 0;
        for (std::size_t blocks = 0; blocks < max_blocks; ++blocks) {
            auto* block = ready_block();
            if (!block) break;
            frames += visit_block(block, [&](const CapturedFrame& frame) { visit(frame); });
            release_block();
        }
        return frames;
    }
    /// True when the kernel has handed over a block that drain() has not visited.
    bool has_ready_block() { return ready_block() != nullptr; }

    /// Frames the kernel received and dropped since the last call (PACKET_STATISTICS).
    struct Counts {
        std::uint64_t received = 0;
        std::uint64_t dropped = 0;
    };
    Counts take_counts();

private:
    std::uint8_t* ready_block();
    void release_block();
    template <typename Visit>
    std::size_t visit_block(std::uint8_t* block, Visit&& visit);
    std::size_t visit_block_frames(std::uint8_t* block, void (*visit)(void*, const CapturedFrame&), void* context);

    util::UniqueFd fd_;
    RingSize size_;
    std::uint8_t* map_ = nullptr;
    std::size_t map_length_ = 0;
    std::uint32_t next_block_ = 0;
};

template <typename Visit>
std::size_t PacketRing::visit_block(std::uint8_t* block, Visit&& visit) {
    return visit_block_frames(
        block, [](void* context, const CapturedFrame& frame) { (*static_cast<Visit*>(context))(frame); }, &visit);
}

/// `frame` with its 802.1Q tag put back after the source MAC, into `out`.
std::span<const std::uint8_t> with_vlan_tag(std::span<const std::uint8_t> frame, std::uint16_t tci,
                                            std::vector<std::uint8_t>& out);

}  // namespace emu::net
