#include "emud/trace/frame_timeline.hpp"

#include <algorithm>

namespace emu::trace {

bool FrameTimeline::leaves_later(const Entry& a, const Entry& b) {
    if (a.held.frame.timestamp_ns != b.held.frame.timestamp_ns) {
        return a.held.frame.timestamp_ns > b.held.frame.timestamp_ns;
    }
    return a.sequence > b.sequence;
}

void FrameTimeline::hold(std::size_t source, const net::CapturedFrame& frame) {
    Entry entry;
    entry.sequence = next_sequence_++;
    entry.held.source = source;
    entry.held.bytes.assign(frame.data.begin(), frame.data.end());
    entry.held.frame = frame;
    held_.push_back(std::move(entry));
    // The vector's buffer moved with it: point the frame at its bytes where they now are.
    auto& kept = held_.back().held;
    kept.frame.data = kept.bytes;
    std::push_heap(held_.begin(), held_.end(), leaves_later);
}

std::size_t FrameTimeline::release_while(const std::function<bool(const Entry&)>& due,
                                         const std::function<void(HeldFrame&&)>& visit) {
    std::size_t released = 0;
    while (!held_.empty() && due(held_.front())) {
        std::pop_heap(held_.begin(), held_.end(), leaves_later);
        Entry entry = std::move(held_.back());
        held_.pop_back();
        visit(std::move(entry.held));
        ++released;
    }
    return released;
}

std::size_t FrameTimeline::release(std::uint64_t now_ns, const std::function<void(HeldFrame&&)>& visit) {
    return release_while([&](const Entry& entry) { return entry.held.frame.timestamp_ns + window_ns_ <= now_ns; },
                         visit);
}

std::size_t FrameTimeline::release_all(const std::function<void(HeldFrame&&)>& visit) {
    return release_while([](const Entry&) { return true; }, visit);
}

std::optional<std::uint64_t> FrameTimeline::next_release_ns() const {
    if (held_.empty()) return std::nullopt;
    return held_.front().held.frame.timestamp_ns + window_ns_;
}

}  // namespace emu::trace
