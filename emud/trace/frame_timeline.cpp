#include "emud/trace/frame_timeline.hpp"

#include <algorithm>

namespace emu::trace {

bool FrameTimeline::leaves_later(const Front& a, const Front& b) {
    if (a.timestamp_ns != b.timestamp_ns) return a.timestamp_ns > b.timestamp_ns;
    return a.sequence > b.sequence;
}

void FrameTimeline::push_front_of(std::size_t source) {
    const auto& queue = waiting_[source];
    const auto& first = queue.frames[queue.first];
    fronts_.push_back({first.frame.frame.timestamp_ns, first.sequence, source});
    std::push_heap(fronts_.begin(), fronts_.end(), leaves_later);
}

void FrameTimeline::hold(std::size_t source, const net::CapturedFrame& frame) {
    if (waiting_.size() <= source) waiting_.resize(source + 1);
    auto& queue = waiting_[source];
    if (queue.empty()) {  // everything went: start again at the front of the room
        queue.frames.clear();
        queue.first = 0;
    }
    auto& held = queue.frames.emplace_back();
    held.sequence = next_sequence_++;
    held.frame.source = source;
    held.frame.bytes.assign(frame.data.begin(), frame.data.end());
    held.frame.frame = frame;
    held.frame.frame.data = held.frame.bytes;  // its own copy: the ring's block goes back to the kernel
    ++size_;
    if (queue.frames.size() - queue.first == 1) push_front_of(source);
}

std::size_t FrameTimeline::release_while(const std::function<bool(std::uint64_t timestamp_ns)>& due,
                                         const std::function<void(HeldFrame&&)>& visit) {
    std::size_t released = 0;
    while (!fronts_.empty() && due(fronts_.front().timestamp_ns)) {
        std::pop_heap(fronts_.begin(), fronts_.end(), leaves_later);
        const auto source = fronts_.back().source;
        fronts_.pop_back();
        auto& queue = waiting_[source];
        // Moving a vector keeps its buffer, so the frame's view of its bytes stays valid.
        HeldFrame frame = std::move(queue.frames[queue.first].frame);
        ++queue.first;
        // Under steady traffic a ring's queue never empties: drop what has gone once it is
        // half the room (amortised: each frame is moved down at most once per halving).
        if (queue.first >= 1024 && queue.first * 2 >= queue.frames.size()) {
            queue.frames.erase(queue.frames.begin(), queue.frames.begin() + static_cast<std::ptrdiff_t>(queue.first));
            queue.first = 0;
        }
        --size_;
        if (!queue.empty()) push_front_of(source);
        visit(std::move(frame));
        ++released;
    }
    return released;
}

std::size_t FrameTimeline::release(std::uint64_t now_ns, const std::function<void(HeldFrame&&)>& visit) {
    return release_while([&](std::uint64_t timestamp_ns) { return timestamp_ns + window_ns_ <= now_ns; }, visit);
}

std::size_t FrameTimeline::release_all(const std::function<void(HeldFrame&&)>& visit) {
    return release_while([](std::uint64_t) { return true; }, visit);
}

std::optional<std::uint64_t> FrameTimeline::next_release_ns() const {
    if (fronts_.empty()) return std::nullopt;
    return fronts_.front().timestamp_ns + window_ns_;
}

}  // namespace emu::trace
