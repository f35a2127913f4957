#include "emud/trace/trace_store.hpp"

namespace emu::trace {

void TraceStore::push(StoredFrame frame) {
    std::lock_guard lock(mutex_);
    last_ = frame.number;
    used_bytes_ += cost(frame);
    frames_.push_back(std::move(frame));
    while (used_bytes_ > capacity_bytes_ && !frames_.empty()) {
        used_bytes_ -= cost(frames_.front());
        frames_.pop_front();
        ++evicted_;
    }
}

TraceStore::Slice TraceStore::read_after(std::uint64_t after, std::size_t limit) const {
    std::lock_guard lock(mutex_);
    Slice slice;
    slice.last = last_;
    // Numbers are consecutive, so the oldest one kept says how many went before it.
    auto oldest = frames_.empty() ? last_ + 1 : frames_.front().number;
    if (oldest > after + 1) slice.missed = oldest - after - 1;
    std::size_t start = after + 1 > oldest ? static_cast<std::size_t>(after + 1 - oldest) : 0;
    for (std::size_t i = start; i < frames_.size() && slice.frames.size() < limit; ++i) {
        slice.frames.push_back(frames_[i]);
    }
    return slice;
}

std::uint64_t TraceStore::evicted() const {
    std::lock_guard lock(mutex_);
    return evicted_;
}

}  // namespace emu::trace
