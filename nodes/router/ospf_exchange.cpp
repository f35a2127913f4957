#include "nodes/router/ospf_exchange.hpp"

#include <algorithm>

namespace emu::router {
namespace {

using wire::OspfDatabaseDescription;

constexpr std::uint8_t kInit = OspfDatabaseDescription::kInit;
constexpr std::uint8_t kMore = OspfDatabaseDescription::kMore;
constexpr std::uint8_t kMaster = OspfDatabaseDescription::kMaster;
// The IP header, OSPF's, a DBD's 8 bytes (§A.3.3) and an LSR's nothing more.
constexpr std::size_t kIpAndOspfHeaders = 20 + wire::OspfPacket::kHeaderSize;

std::string flags_text(std::uint8_t flags) {
    std::string text;
    if (flags & kInit) text += "I";
    if (flags & kMore) text += text.empty() ? "M" : ",M";
    if (flags & kMaster) text += text.empty() ? "MS" : ",MS";
    return text.empty() ? "none" : text;
}

}  // namespace

DatabaseExchange::DatabaseExchange(Settings settings, std::uint32_t initial_sequence, Time now)
    : settings_(settings), sequence_(initial_sequence) {
    // §10.8: in ExStart each side claims to be master with an empty I/M/MS packet.
    OspfDatabaseDescription first;
    first.interface_mtu = settings_.interface_mtu;
    first.options = wire::ospf_option::kExternal;
    first.flags = kInit | kMore | kMaster;
    first.sequence = sequence_;
    last_sent_ = first;
    descriptions_.push_back(first);
    resend_at_ = now + settings_.retransmit_interval;
}

DatabaseExchange::Outcome DatabaseExchange::mismatch(std::string why) {
    reason_ = std::move(why);
    return Outcome::restart;
}

bool DatabaseExchange::take_headers(const std::vector<wire::LsaHeader>& headers, const Lsdb& lsdb, Time now) {
    for (const auto& header : headers) {
        // §10.6: an LS type we do not know ends the exchange (5 is AS-external: known, just not made here).
        if (header.type < wire::lsa_type::kRouter || header.type > wire::lsa_type::kAsExternal) {
            reason_ = "an LSA header of unknown type " + std::to_string(header.type);
            return false;
        }
        // OSPF-lite keeps router- and network-LSAs only: asking for others would never be answered.
        if (header.type != wire::lsa_type::kRouter && header.type != wire::lsa_type::kNetwork) continue;
        const auto key = key_of(header);
        const auto* ours = lsdb.find(key);
        if (ours == nullptr || compare_instances(header, lsdb.current(*ours, now).header) > 0) requests_[key] = header;
    }
    return true;
}

void DatabaseExchange::send_next(Time now) {
    OspfDatabaseDescription packet;
    packet.interface_mtu = settings_.interface_mtu;
    packet.options = wire::ospf_option::kExternal;
    packet.sequence = sequence_;
    const std::size_t room =
        std::max<std::size_t>(1, (settings_.interface_mtu - kIpAndOspfHeaders - 8) / wire::LsaHeader::kSize);
    const auto count = std::min(room, summary_.size());
    packet.lsa_headers.assign(summary_.begin(), summary_.begin() + static_cast<std::ptrdiff_t>(count));
    summary_.erase(summary_.begin(), summary_.begin() + static_cast<std::ptrdiff_t>(count));
    packet.flags = static_cast<std::uint8_t>((master_ ? kMaster : 0) | (summary_.empty() ? 0 : kMore));
    last_sent_ = packet;
    descriptions_.push_back(packet);
    // The master resends until the slave echoes; the slave only answers (§10.8).
    resend_at_ = master_ ? now + settings_.retransmit_interval : Time::max();
}

void DatabaseExchange::resend_last(Time now) {
    if (!last_sent_) return;
    descriptions_.push_back(*last_sent_);
    if (master_ || phase_ == Phase::exstart) resend_at_ = now + settings_.retransmit_interval;
}

void DatabaseExchange::send_requests(Time now) {
    if (requests_.empty()) {
        in_flight_.clear();
        request_resend_at_ = Time::max();
        return;
    }
    const std::size_t room = (settings_.interface_mtu - kIpAndOspfHeaders) / wire::LsaRequest::kSize;
    wire::OspfLinkStateRequest packet;
    in_flight_.clear();
    for (const auto& [key, header] : requests_) {
        if (packet.requests.size() == room) break;
        packet.requests.push_back({key.type, key.link_state_id, key.advertising_router});
        in_flight_.push_back(key);
    }
    request_packets_.push_back(std::move(packet));
    request_resend_at_ = now + settings_.retransmit_interval;
}

DatabaseExchange::Outcome DatabaseExchange::summaries_done(Time now) {
    resend_at_ = Time::max();
    if (requests_.empty()) {
        phase_ = Phase::full;
        return Outcome::full;
    }
    phase_ = Phase::loading;
    if (in_flight_.empty()) send_requests(now);
    return Outcome::loading;
}

DatabaseExchange::Outcome DatabaseExchange::receive(const OspfDatabaseDescription& packet, const Lsdb& lsdb,
                                                    Time now) {
    // §10.6: a neighbour whose packets would not fit ours unfragmented cannot be adjacent.
    if (packet.interface_mtu > settings_.interface_mtu) {
        reason_ = "its interface MTU " + std::to_string(packet.interface_mtu) + " is larger than ours, " +
                  std::to_string(settings_.interface_mtu);
        return Outcome::refused;
    }
    const bool duplicate = last_received_ && last_received_->flags == packet.flags &&
                           last_received_->options == packet.options && last_received_->sequence == packet.sequence;
    const bool neighbour_higher = settings_.neighbour_router_id > settings_.own_router_id;

    if (phase_ == Phase::exstart) {
        const bool claims_master = (packet.flags & (kInit | kMore | kMaster)) == (kInit | kMore | kMaster);
        if (claims_master && packet.lsa_headers.empty() && neighbour_higher) {
            // We are slave: the master's sequence number is ours from now on.
            master_ = false;
            phase_ = Phase::exchange;
            sequence_ = packet.sequence;
            last_received_ = packet;
            summary_ = lsdb.headers(now);
            neighbour_more_ = true;
            send_next(now);
            return Outcome::negotiation_done;
        }
        if ((packet.flags & (kInit | kMaster)) == 0 && packet.sequence == sequence_ && !neighbour_higher) {
            // We are master: the slave has echoed our sequence number.
            master_ = true;
            phase_ = Phase::exchange;
            summary_ = lsdb.headers(now);
            last_received_ = packet;
            if (!take_headers(packet.lsa_headers, lsdb, now)) return Outcome::restart;
            if (in_flight_.empty()) send_requests(now);
            neighbour_more_ = (packet.flags & kMore) != 0;
            ++sequence_;
            send_next(now);
            return Outcome::negotiation_done;
        }
        if (claims_master && packet.lsa_headers.empty()) {
            // We outrank it: §10.6 ignores its claim, and ours stands. But its claim shows it
            // has just reached ExStart, so the claim we sent before was dropped by a neighbour
            // still in 2-Way (on a LAN it waits for its election longer than we may); send ours
            // again now rather than leave the exchange to RxmtInterval.
            resend_last(now);
        }
        return Outcome::none;  // not yet agreed: our own claim stands, resent until it is
    }

    if (duplicate) {
        // §10.6: the slave answers a repeat with its last packet again; the master drops it.
        if (!master_) resend_last(now);
        return Outcome::none;
    }
    if (phase_ != Phase::exchange) {
        return mismatch("a new Database Description (flags " + flags_text(packet.flags) + ") after the exchange");
    }
    if (((packet.flags & kMaster) != 0) == master_) {
        return mismatch(std::string("the neighbour claims to be ") + (master_ ? "master as well" : "slave as well"));
    }
    if (packet.flags & kInit) return mismatch("the I bit in the middle of the exchange");
    if (last_received_ && packet.options != last_received_->options) return mismatch("its options changed");
    if (master_ ? packet.sequence != sequence_ : packet.sequence != sequence_ + 1) {
        return mismatch("sequence number " + std::to_string(packet.sequence) + ", expected " +
                        std::to_string(master_ ? sequence_ : sequence_ + 1));
    }
    last_received_ = packet;
    if (!take_headers(packet.lsa_headers, lsdb, now)) return Outcome::restart;
    if (in_flight_.empty()) send_requests(now);
    neighbour_more_ = (packet.flags & kMore) != 0;
    if (master_) {
        // §10.8: the slave's echo acknowledges our last packet.
        ++sequence_;
        const bool we_were_done = (last_sent_->flags & kMore) == 0;
        if (we_were_done && !neighbour_more_) return summaries_done(now);
        send_next(now);
        return Outcome::none;
    }
    sequence_ = packet.sequence;
    send_next(now);
    if (!neighbour_more_ && (last_sent_->flags & kMore) == 0) return summaries_done(now);
    return Outcome::none;
}

DatabaseExchange::Outcome DatabaseExchange::lsa_arrived(const wire::LsaHeader& header, Time now) {
    auto requested = requests_.find(key_of(header));
    if (requested == requests_.end() || compare_instances(header, requested->second) < 0) return Outcome::none;
    requests_.erase(requested);
    // The next request goes once the last one is wholly answered (§10.9).
    const bool answered = std::none_of(in_flight_.begin(), in_flight_.end(),
                                       [&](const LsaKey& key) { return requests_.contains(key); });
    if (answered) send_requests(now);
    if (requests_.empty() && phase_ == Phase::loading) {
        phase_ = Phase::full;
        return Outcome::full;
    }
    return Outcome::none;
}

void DatabaseExchange::advance(Time now) {
    if (now >= resend_at_ && (phase_ == Phase::exstart || (master_ && phase_ == Phase::exchange))) resend_last(now);
    if (now >= request_resend_at_ && !requests_.empty()) send_requests(now);
}

DatabaseExchange::Time DatabaseExchange::next_deadline() const {
    Time next = Time::max();
    if (phase_ == Phase::exstart || (master_ && phase_ == Phase::exchange)) next = resend_at_;
    if (!requests_.empty()) next = std::min(next, request_resend_at_);
    return next;
}

std::vector<OspfDatabaseDescription> DatabaseExchange::take_descriptions() { return std::exchange(descriptions_, {}); }

std::vector<wire::OspfLinkStateRequest> DatabaseExchange::take_requests() { return std::exchange(request_packets_, {}); }

}  // namespace emu::router
