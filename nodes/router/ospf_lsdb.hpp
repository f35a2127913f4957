#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "lib/wire/ospf.hpp"

namespace emu::router {

/// What tells one LSA from another (§12.1): its type, link state ID and advertising router.
/// Instances of the same LSA differ by sequence number, checksum and age.
struct LsaKey {
    std::uint8_t type = 0;
    wire::Ipv4Address link_state_id;
    wire::Ipv4Address advertising_router;
    auto operator<=>(const LsaKey&) const = default;
};

LsaKey key_of(const wire::LsaHeader& header);

/// §13.1: which of two instances of one LSA is the more recent. Positive: `a`; negative: `b`;
/// zero: the same instance. By sequence number (a signed comparison), then checksum, then an
/// instance at MaxAge, then an age more than MaxAgeDiff (15 minutes) younger.
int compare_instances(const wire::LsaHeader& a, const wire::LsaHeader& b);

/// An area's link-state database: every LSA's current instance with the time it was
/// installed, so that its age grows by one a second from the age it came with (§14).
class Lsdb {
public:
    using Clock = std::chrono::steady_clock;
    using Time = Clock::time_point;

    /// §12.1.1: no LSA is older than this; an LSA at MaxAge is being flushed.
    static constexpr std::uint16_t kMaxAge = wire::LsaHeader::kMaxAge;

    struct Entry {
        wire::Lsa lsa;
        Time installed{};
    };

    /// Installs `lsa` in place of any instance of it; true when what it says changed (§13.2:
    /// the body or options differ, or it was not there, or it has just reached or left
    /// MaxAge), which is when the routing table must be computed again.
    bool install(wire::Lsa lsa, Time now);
    void remove(const LsaKey& key);
    const Entry* find(const LsaKey& key) const;

    /// An entry's age now: its age when installed plus the seconds since, at most MaxAge.
    std::uint16_t age(const Entry& entry, Time now) const;
    /// The instance as it would be sent now: the header with its current age (§13.3 adds the
    /// link's transmit delay on top when it goes out).
    wire::Lsa current(const Entry& entry, Time now) const;
    /// Every LSA as of `now`, in key order.
    std::vector<wire::Lsa> snapshot(Time now) const;
    /// Every LSA header as of `now`, in key order: a database summary (§10.3).
    std::vector<wire::LsaHeader> headers(Time now) const;
    /// When the next LSA that is not yet at MaxAge reaches it; none when there is none.
    std::optional<Time> next_max_age(Time now) const;
    std::size_t size() const { return entries_.size(); }
    const std::map<LsaKey, Entry>& entries() const { return entries_; }

private:
    std::map<LsaKey, Entry> entries_;
};

}  // namespace emu::router
