#include "emud/trace/tcp_reassembly.hpp"

namespace emu::trace {
namespace {

// How far next_ may move from base_ before the waiting segments are keyed anew: far below
// half the sequence space, the most the distances can stand.
constexpr std::uint32_t kRebaseDistance = 1u << 30;

}  // namespace

void TcpStreamReassembler::on_segment(std::uint32_t sequence, bool syn, bool fin, wire::Bytes payload,
                                      std::vector<std::uint8_t>& delivered) {
    if (syn) {
        initial_ = sequence;
        next_ = sequence + 1;  // the SYN takes one sequence number
        sequence += 1;
    }
    if (!next_) next_ = sequence;  // joined mid-stream (capture started after the handshake)
    if (fin) {
        finished_ = true;
        fin_ = sequence + static_cast<std::uint32_t>(payload.size());
    }
    if (payload.empty()) return;
    // Too much waits for gaps that do not fill: give them up, earliest first, until this
    // segment is next or there is room for it to wait.
    while (sequence_difference(sequence, *next_) > 0 && pending_bytes_ + payload.size() > kMaxPending) {
        skip_to(sequence, delivered);
    }
    auto offset = sequence_difference(sequence, *next_);
    if (offset <= 0) {
        // Starts at or before what we have: keep only the new part (retransmission, overlap).
        auto already = static_cast<std::size_t>(-offset);
        if (already < payload.size()) {
            auto fresh = payload.subspan(already);
            delivered.insert(delivered.end(), fresh.begin(), fresh.end());
            *next_ += static_cast<std::uint32_t>(fresh.size());
        }
        deliver_pending(delivered);
        return;
    }
    if (pending_.empty()) base_ = *next_;
    auto& stored = pending_[sequence - base_];
    if (stored.size() < payload.size()) {
        pending_bytes_ += payload.size() - stored.size();
        stored.assign(payload.begin(), payload.end());
    }
}

void TcpStreamReassembler::on_acknowledged(std::uint32_t acknowledged, std::vector<std::uint8_t>& delivered) {
    if (!next_) return;
    // The FIN takes a sequence number but carries no byte: an ACK of it is no gap.
    if (fin_ && sequence_difference(acknowledged, *fin_) > 0) acknowledged = *fin_;
    while (sequence_difference(acknowledged, *next_) > 0) skip_to(acknowledged, delivered);
}

void TcpStreamReassembler::skip_to(std::uint32_t sequence, std::vector<std::uint8_t>& delivered) {
    if (!pending_.empty() && sequence_difference(earliest_waiting(), sequence) < 0) sequence = earliest_waiting();
    skipped_ += static_cast<std::uint64_t>(sequence_difference(sequence, *next_));
    last_gap_at_ = delivered.size();
    next_ = sequence;
    deliver_pending(delivered);
}

void TcpStreamReassembler::deliver_pending(std::vector<std::uint8_t>& delivered) {
    while (!pending_.empty()) {
        auto earliest = pending_.begin();
        auto offset = sequence_difference(base_ + earliest->first, *next_);
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
    // Every waiting segment is now after next_; key them from next_ again before their
    // distances from base_ could wrap.
    if (!pending_.empty() && *next_ - base_ > kRebaseDistance) {
        std::map<std::uint32_t, std::vector<std::uint8_t>> rekeyed;
        for (auto& [distance, bytes] : pending_) rekeyed.emplace(base_ + distance - *next_, std::move(bytes));
        pending_ = std::move(rekeyed);
        base_ = *next_;
    }
}

}  // namespace emu::trace
