#include "emud/trace/tcp_reassembly.hpp"

namespace emu::trace {

void TcpStreamReassembler::on_segment(std::uint32_t sequence, bool syn, bool fin, wire::Bytes payload,
                                      std::vector<std::uint8_t>& delivered) {
    if (syn) {
        initial_ = sequence;
        next_ = sequence + 1;  // the SYN takes one sequence number
        sequence += 1;
    }
    if (!next_) next_ = sequence;  // joined mid-stream (capture started after the handshake)
    if (!payload.empty()) {
        auto offset = sequence_difference(sequence, *next_);
        if (offset <= 0) {
            // Starts at or before what we have: keep only the new part (retransmission, overlap).
            auto already = static_cast<std::size_t>(-offset);
            if (already < payload.size()) {
                auto fresh = payload.subspan(already);
                delivered.insert(delivered.end(), fresh.begin(), fresh.end());
                *next_ += static_cast<std::uint32_t>(fresh.size());
            }
        } else if (pending_bytes_ + payload.size() <= kMaxPending) {
            auto& stored = pending_[sequence];
            if (stored.size() < payload.size()) {
                pending_bytes_ += payload.size() - stored.size();
                stored.assign(payload.begin(), payload.end());
            }
        } else {
            // Too much waits for a gap that does not fill: give up on the gap.
            skipped_ += static_cast<std::uint64_t>(offset);
            *next_ = sequence;
            delivered.insert(delivered.end(), payload.begin(), payload.end());
            *next_ += static_cast<std::uint32_t>(payload.size());
        }
        deliver_pending(delivered);
    }
    if (fin) finished_ = true;
}

void TcpStreamReassembler::deliver_pending(std::vector<std::uint8_t>& delivered) {
    while (!pending_.empty()) {
        // The stored segment that starts earliest relative to next_.
        auto earliest = pending_.begin();
        for (auto it = pending_.begin(); it != pending_.end(); ++it) {
            if (sequence_difference(it->first, *next_) < sequence_difference(earliest->first, *next_)) earliest = it;
        }
        auto offset = sequence_difference(earliest->first, *next_);
        if (offset > 0) break;  // still a gap before it
        const auto& bytes = earliest->second;
        auto already = static_cast<std::size_t>(-offset);
        if (already < bytes.size()) {
            delivered.insert(delivered.end(), bytes.begin() + static_cast<std::ptrdiff_t>(already), bytes.end());
            *next_ += static_cast<std::uint32_t>(bytes.size() - already);
        }
        pending_bytes_ -= bytes.size();
        pending_.erase(earliest);
    }
}

}  // namespace emu::trace
