#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lib/wire/dns.hpp"

namespace emu::dns {

/// One zone: its origin and every record in it, the SOA and the apex NS among them.
struct Zone {
    wire::DnsName origin;
    std::vector<wire::DnsRecord> records;
};

/// What answering one query came to.
struct Answer {
    wire::DnsMessage response;
    std::string event;  ///< a stable name for the log: "dns.answer", "dns.nxdomain", "dns.refused" …
};

/// What the server has done, for its log at exit and the benchmarks.
struct AuthorityCounters {
    std::uint64_t queries = 0;
    std::uint64_t answers = 0;    ///< NOERROR with data
    std::uint64_t nodata = 0;     ///< NOERROR without: the name has other types (RFC 2308 §2.2)
    std::uint64_t nxdomain = 0;
    std::uint64_t referrals = 0;  ///< below a zone cut: NS and glue
    std::uint64_t refused = 0;    ///< not ours
    std::uint64_t formerr = 0;
    std::uint64_t notimp = 0;
};

/// An authoritative name server's engine (RFC 1034 §4.3.2, without recursion): a query in,
/// the response out. No sockets, no clock: tests/unit/dns_authority_test.cpp.
class Authority {
public:
    /// The largest UDP answer it offers in its OPT record (RFC 6891 §6.2.5; 1232 avoids IP
    /// fragmentation on any path, as the DNS flag day of 2020 settled on).
    static constexpr std::uint16_t kUdpPayloadSize = 1232;

    /// Throws std::invalid_argument when a zone has no SOA at its origin, or a record lies
    /// outside its zone.
    explicit Authority(std::vector<Zone> zones);
    Authority(const Authority&) = delete;  // its index points into its own records
    Authority& operator=(const Authority&) = delete;

    /// The response to a query; nullopt for a message that must not be answered (a response).
    std::optional<Answer> answer(const wire::DnsMessage& query);
    /// The response to bytes that did not parse but carry a query's header: FORMERR
    /// (RFC 1035 §4.1.1), or nothing when even that is not there.
    std::optional<wire::DnsMessage> format_error(wire::Bytes bytes);

    /// How large a UDP response to this query may be: 512 without EDNS (RFC 1035 §4.2.1),
    /// else what the client offers, at most kUdpPayloadSize.
    static std::size_t udp_limit(const wire::DnsMessage& query);

    const AuthorityCounters& counters() const { return counters_; }
    std::size_t zone_count() const { return zones_.size(); }

private:
    struct KeyHash {
        using is_transparent = void;  // found by string_view: an ancestor's key is a suffix
        std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
    };
    using RecordSet = std::vector<const wire::DnsRecord*>;
    struct IndexedZone {
        Zone zone;
        wire::DnsRecord soa;
        /// Records by owner name (name_key).
        std::unordered_map<std::string, RecordSet, KeyHash, std::equal_to<>> by_name;
        /// Every name with a name below it in the zone: an empty non-terminal exists too (RFC 8020).
        std::unordered_set<std::string, KeyHash, std::equal_to<>> with_names_below;
    };

    const IndexedZone* zone_for(const wire::DnsName& name) const;
    const RecordSet* records_at(const IndexedZone& zone, std::string_view key) const;
    /// The NS RRset of a zone cut between the apex (excluded) and `name` (included), if any.
    const RecordSet* delegation(const IndexedZone& zone, const wire::DnsName& name, std::string_view key,
                                wire::DnsName& cut) const;
    void add_addresses_of(const wire::DnsName& target, wire::DnsMessage& response) const;
    void add_negative_soa(const IndexedZone& zone, wire::DnsMessage& response) const;

    std::vector<IndexedZone> zones_;
    AuthorityCounters counters_;
};

/// The key a name is indexed by: its labels, each after its length, ASCII letters lowered.
/// The key of an ancestor is a suffix of it.
std::string name_key(const wire::DnsName& name);

}  // namespace emu::dns
