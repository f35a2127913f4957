#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "emud/trace/event.hpp"

namespace emu::trace {

/// A frame as the capture keeps it: its bytes and where and when it was seen. Decoding
/// happens when someone reads the trace, so the capture thread only copies.
struct StoredFrame {
    std::uint64_t number = 0;        ///< 1, 2, … in capture order: the frame's number in the pcapng
    std::uint64_t timestamp_ns = 0;  ///< kernel time of capture, since the epoch
    std::uint32_t link = 0;          ///< index into the lab's CapturePlan::links
    std::uint32_t original_length = 0;
    bool checksum_not_ready = false;
    std::vector<std::uint8_t> bytes;
    /// Application messages this frame completed (decoded in capture order, since TCP
    /// needs the segments before it), packed (pack_layers); usually none.
    std::vector<std::uint8_t> application;
};

/// The frames of one lab, in a ring bounded in bytes: when it is full the oldest frames go
/// and are counted, so a busy lab never waits for its trace (the pcapng still has them).
/// Written by the capture thread, read by the control socket's; the lock is held only to
/// move or copy.
class TraceStore {
public:
    explicit TraceStore(std::size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

    void push(StoredFrame frame);

    struct Slice {
        std::vector<StoredFrame> frames;  ///< numbers after the one asked for, oldest first
        std::uint64_t last = 0;           ///< the number of the newest frame pushed
        std::uint64_t missed = 0;         ///< frames after the one asked for that the ring dropped
    };
    /// Up to `limit` frames numbered after `after`.
    Slice read_after(std::uint64_t after, std::size_t limit) const;

    /// Frames dropped from the ring so far.
    std::uint64_t evicted() const;
    std::size_t capacity_bytes() const { return capacity_bytes_; }

private:
    // What a frame takes in memory: itself in the deque, and each buffer as malloc gives it
    // (glibc: the size plus an 8-byte header, in 16-byte steps).
    static std::size_t cost(const StoredFrame& frame) {
        auto allocation = [](std::size_t bytes) { return bytes == 0 ? 0 : (bytes + 8 + 15) / 16 * 16; };
        return sizeof(StoredFrame) + allocation(frame.bytes.capacity()) + allocation(frame.application.capacity());
    }

    mutable std::mutex mutex_;
    std::deque<StoredFrame> frames_;
    std::size_t capacity_bytes_;
    std::size_t used_bytes_ = 0;
    std::uint64_t evicted_ = 0;
    std::uint64_t last_ = 0;
};

}  // namespace emu::trace
