#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "lib/wire/buffer.hpp"

namespace emu::trace {

/// One direction of a TCP connection put back in order (RFC 9293 §3.4: sequence numbers
/// count bytes, SYN and FIN take one each). Retransmitted and overlapping bytes are given
/// once; segments that arrive early wait, up to a bound, for the gap before them.
class TcpStreamReassembler {
public:
    /// Bytes that may wait for a gap to fill; past this the gap is given up and skipped.
    static constexpr std::size_t kMaxPending = 1 << 20;

    /// Takes a segment; appends to `delivered` the bytes that are now in order.
    void on_segment(std::uint32_t sequence, bool syn, bool fin, wire::Bytes payload,
                    std::vector<std::uint8_t>& delivered);

    /// The initial sequence number, once the SYN was seen.
    std::optional<std::uint32_t> initial_sequence() const { return initial_; }
    /// Bytes skipped because a gap never filled (a capture drop, a lost segment).
    std::uint64_t skipped() const { return skipped_; }
    bool finished() const { return finished_; }

private:
    void deliver_pending(std::vector<std::uint8_t>& delivered);

    std::optional<std::uint32_t> initial_;
    std::optional<std::uint32_t> next_;  ///< the next byte expected
    std::map<std::uint32_t, std::vector<std::uint8_t>> pending_;  ///< early segments, by sequence number
    std::size_t pending_bytes_ = 0;
    std::uint64_t skipped_ = 0;
    bool finished_ = false;
};

/// a - b in sequence space (RFC 1982 serial arithmetic): negative when a is before b.
inline std::int64_t sequence_difference(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::int32_t>(a - b);
}

}  // namespace emu::trace
