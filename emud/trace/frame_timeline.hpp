#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "lib/net/packet_ring.hpp"

namespace emu::trace {

/// A frame taken out of a capture ring, with its bytes of its own.
struct HeldFrame {
    std::size_t source = 0;  ///< which ring it came from
    net::CapturedFrame frame;  ///< its data points into `bytes`
    std::vector<std::uint8_t> bytes;
};

/// Puts the frames of a lab's capture rings into one timeline. Each ring hands its frames
/// over in time order, but a block at a time (when full, or a block timeout after its first
/// frame), so a frame of one ring can arrive after later frames of another — and the trace,
/// the pcapng and the scenarios' "this, then that" would see them in the wrong order. A frame
/// waits here until `window` after its timestamp, when no ring can still hold an older one,
/// and frames leave in timestamp order (equal timestamps: in the order they came). One that
/// arrives later than that leaves at once: late, never lost.
class FrameTimeline {
public:
    explicit FrameTimeline(std::uint64_t window_ns) : window_ns_(window_ns) {}

    /// Keeps a copy of `frame` from ring `source`.
    void hold(std::size_t source, const net::CapturedFrame& frame);
    /// Hands over, oldest first, every frame whose window has passed by `now_ns` (the
    /// frames' clock: CLOCK_REALTIME); how many.
    std::size_t release(std::uint64_t now_ns, const std::function<void(HeldFrame&&)>& visit);
    /// Hands over every frame held, oldest first (the capture is stopping); how many.
    std::size_t release_all(const std::function<void(HeldFrame&&)>& visit);
    /// When the oldest frame held may leave; none when nothing is held.
    std::optional<std::uint64_t> next_release_ns() const;
    std::size_t size() const { return size_; }

private:
    struct Held {
        std::uint64_t sequence = 0;  ///< arrival order, for equal timestamps
        HeldFrame frame;
    };
    /// The oldest frame waiting from one ring. A ring's frames come in time order, so only
    /// the rings' first frames compete: a heap of those is all the merge needs, and each
    /// frame costs a push and a pop on a heap as small as the number of rings.
    struct Front {
        std::uint64_t timestamp_ns = 0;
        std::uint64_t sequence = 0;
        std::size_t source = 0;
    };
    static bool leaves_later(const Front& a, const Front& b);
    void push_front_of(std::size_t source);
    std::size_t release_while(const std::function<bool(std::uint64_t timestamp_ns)>& due,
                              const std::function<void(HeldFrame&&)>& visit);

    std::uint64_t window_ns_;
    std::uint64_t next_sequence_ = 0;
    std::size_t size_ = 0;
    /// Per ring, in arrival order: frames from `first` on wait; the vector's room is reused
    /// (no allocation per frame but the bytes' own).
    struct Queue {
        std::vector<Held> frames;
        std::size_t first = 0;
        bool empty() const { return first == frames.size(); }
    };
    std::vector<Queue> waiting_;
    std::vector<Front> fronts_;              ///< a min-heap: each ring's first waiting frame
};

}  // namespace emu::trace
