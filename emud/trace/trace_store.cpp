#include "emud/trace/trace_store.hpp"

#include <algorithm>

namespace emu::trace {

void TraceStore::push(TraceEvent event) {
    std::lock_guard lock(mutex_);
    if (capacity_ == 0) {
        ++evicted_;
        return;
    }
    if (events_.size() == capacity_) {
        events_.pop_front();
        ++evicted_;
    }
    events_.push_back(std::move(event));
}

TraceStore::Slice TraceStore::read_after(std::uint64_t after, std::size_t limit) const {
    std::lock_guard lock(mutex_);
    Slice slice;
    if (events_.empty()) {
        slice.last = evicted_;
        slice.missed = evicted_ > after ? evicted_ - after : 0;
        return slice;
    }
    slice.last = events_.back().number;
    auto oldest = events_.front().number;
    if (oldest > after + 1) slice.missed = oldest - after - 1;
    // Numbers are consecutive in the ring, so the first wanted one is found by arithmetic.
    std::size_t start = after + 1 > oldest ? static_cast<std::size_t>(after + 1 - oldest) : 0;
    for (std::size_t i = start; i < events_.size() && slice.events.size() < limit; ++i) {
        slice.events.push_back(events_[i]);
    }
    return slice;
}

std::uint64_t TraceStore::evicted() const {
    std::lock_guard lock(mutex_);
    return evicted_;
}

}  // namespace emu::trace
