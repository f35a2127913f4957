#include "nodes/router/ospf_lsdb.hpp"

#include <algorithm>

namespace emu::router {
namespace {

// §13.1: two instances whose ages differ by more than this are different instances.
constexpr int kMaxAgeDiff = 900;

// The part of an LSA that §13.2 compares to decide whether its contents changed: the options
// and the body (not the age, sequence number or checksum).
bool same_contents(const wire::Lsa& a, const wire::Lsa& b) {
    return a.header.options == b.header.options && a.header.length == b.header.length && a.body == b.body;
}

}  // namespace

LsaKey key_of(const wire::LsaHeader& header) {
    return {header.type, header.link_state_id, header.advertising_router};
}

int compare_instances(const wire::LsaHeader& a, const wire::LsaHeader& b) {
    // Sequence numbers are signed, from 0x80000001 (the lowest used) up to 0x7FFFFFFF.
    const auto sequence_a = static_cast<std::int32_t>(a.sequence), sequence_b = static_cast<std::int32_t>(b.sequence);
    if (sequence_a != sequence_b) return sequence_a > sequence_b ? 1 : -1;
    if (a.checksum != b.checksum) return a.checksum > b.checksum ? 1 : -1;
    const bool max_a = a.age >= Lsdb::kMaxAge, max_b = b.age >= Lsdb::kMaxAge;
    if (max_a != max_b) return max_a ? 1 : -1;
    const int age_difference = static_cast<int>(a.age) - static_cast<int>(b.age);
    if (age_difference > kMaxAgeDiff) return -1;
    if (age_difference < -kMaxAgeDiff) return 1;
    return 0;
}

bool Lsdb::install(wire::Lsa lsa, Time now) {
    const auto key = key_of(lsa.header);
    auto existing = entries_.find(key);
    bool changed = true;
    if (existing != entries_.end()) {
        const bool was_max_age = age(existing->second, now) >= kMaxAge;
        const bool is_max_age = lsa.header.age >= kMaxAge;
        changed = !same_contents(existing->second.lsa, lsa) || was_max_age != is_max_age;
    }
    entries_[key] = Entry{std::move(lsa), now};
    return changed;
}

void Lsdb::remove(const LsaKey& key) { entries_.erase(key); }

const Lsdb::Entry* Lsdb::find(const LsaKey& key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
}

std::uint16_t Lsdb::age(const Entry& entry, Time now) const {
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - entry.installed).count();
    const auto aged = static_cast<long long>(entry.lsa.header.age) + std::max<long long>(elapsed, 0);
    return static_cast<std::uint16_t>(std::min<long long>(aged, kMaxAge));
}

wire::Lsa Lsdb::current(const Entry& entry, Time now) const {
    auto lsa = entry.lsa;
    lsa.header.age = age(entry, now);
    return lsa;
}

std::vector<wire::Lsa> Lsdb::snapshot(Time now) const {
    std::vector<wire::Lsa> lsas;
    lsas.reserve(entries_.size());
    for (const auto& [key, entry] : entries_) lsas.push_back(current(entry, now));
    return lsas;
}

std::vector<wire::LsaHeader> Lsdb::headers(Time now) const {
    std::vector<wire::LsaHeader> headers;
    headers.reserve(entries_.size());
    for (const auto& [key, entry] : entries_) {
        auto header = entry.lsa.header;
        header.age = age(entry, now);
        headers.push_back(header);
    }
    return headers;
}

std::optional<Lsdb::Time> Lsdb::next_max_age(Time now) const {
    std::optional<Time> next;
    for (const auto& [key, entry] : entries_) {
        const auto at_age = age(entry, now);
        if (at_age >= kMaxAge) continue;
        // The age ticks at whole seconds since installation.
        const auto when = entry.installed + std::chrono::seconds(kMaxAge - entry.lsa.header.age);
        if (!next || when < *next) next = when;
    }
    return next;
}

}  // namespace emu::router
