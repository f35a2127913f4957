#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "lib/wire/buffer.hpp"

namespace emu::trace {

/// One direction of a TCP connection put back in order (RFC 9293 §3.4: sequence numbers
/// count bytes, SYN and FIN take one each). Retransmitted and overlapping bytes are given
/// once; segments that arrive early wait for the gap before them until it fills, until the
/// other end acknowledges past it (then the bytes were received but never captured, and a
/// sender does not send acknowledged bytes again), or until too many bytes wait.
class TcpStreamReassembler {
public:
    /// Bytes that may wait for a gap to fill; past this the gap is given up and skipped.
    static constexpr std::size_t kMaxPending = 1 << 20;

    /// Takes a segment; appends to `delivered` the bytes that are now in order.
    void on_segment(std::uint32_t sequence, bool syn, bool fin, wire::Bytes payload,
                    std::vector<std::uint8_t>& delivered);

    /// The other end acknowledged every byte before `acknowledged` (the ACK field of a
    /// segment going the other way). A gap before it will never fill: it is skipped, and
    /// what waited after it is appended to `delivered`.
    void on_acknowledged(std::uint32_t acknowledged, std::vector<std::uint8_t>& delivered);

    /// The initial sequence number, once the SYN was seen.
    std::optional<std::uint32_t> initial_sequence() const { return initial_; }
    /// Bytes skipped because a gap never filled (a capture drop, a lost segment).
    std::uint64_t skipped() const { return skipped_; }
    bool finished() const { return finished_; }
    /// Segments waiting for a gap to fill.
    std::size_t waiting() const { return pending_.size(); }
    /// Where in `delivered` the last gap given up fell (its size when the gap was skipped):
    /// what lies before it cannot be joined to what follows. Meaningful after a call that
    /// made skipped() grow.
    std::size_t last_gap_at() const { return last_gap_at_; }

private:
    void deliver_pending(std::vector<std::uint8_t>& delivered);
    /// Gives up the gap up to `sequence` (or up to the earliest waiting segment, if that
    /// comes first) and delivers what follows it in order.
    void skip_to(std::uint32_t sequence, std::vector<std::uint8_t>& delivered);
    std::uint32_t earliest_waiting() const { return base_ + pending_.begin()->first; }

    std::optional<std::uint32_t> initial_;
    std::optional<std::uint32_t> next_;  ///< the next byte expected
    std::optional<std::uint32_t> fin_;   ///< the FIN's sequence number, once seen
    /// Early segments, keyed by their distance from base_ (next_ when the first of them
    /// came), so that the first entry is the earliest whatever the wrap-around; rebased
    /// before the distances could reach half the sequence space.
    std::map<std::uint32_t, std::vector<std::uint8_t>> pending_;
    std::uint32_t base_ = 0;
    std::size_t pending_bytes_ = 0;
    std::uint64_t skipped_ = 0;
    std::size_t last_gap_at_ = 0;
    bool finished_ = false;
};

/// a - b in sequence space (RFC 1982 serial arithmetic): negative when a is before b.
inline std::int64_t sequence_difference(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::int32_t>(a - b);
}

}  // namespace emu::trace
