#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "emud/trace/event.hpp"

namespace emu::trace {

/// The decoded events of one lab, in a ring of bounded size: when it is full the oldest
/// event goes and is counted, so a busy lab never waits for its trace. Written by the
/// capture thread, read by the control socket's; the lock is held only to copy.
class TraceStore {
public:
    explicit TraceStore(std::size_t capacity) : capacity_(capacity) {}

    void push(TraceEvent event);

    struct Slice {
        std::vector<TraceEvent> events;  ///< numbers after the one asked for, oldest first
        std::uint64_t last = 0;          ///< the number of the newest event in the store
        std::uint64_t missed = 0;        ///< events after the one asked for that the ring dropped
    };
    /// Up to `limit` events numbered after `after`.
    Slice read_after(std::uint64_t after, std::size_t limit) const;

    /// Events dropped from the ring so far.
    std::uint64_t evicted() const;
    std::size_t capacity() const { return capacity_; }

private:
    mutable std::mutex mutex_;
    std::deque<TraceEvent> events_;
    std::size_t capacity_;
    std::uint64_t evicted_ = 0;
};

}  // namespace emu::trace
