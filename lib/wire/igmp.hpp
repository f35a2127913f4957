#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::wire {

// IGMP (IP protocol 2): how hosts tell the multicast routers on their link which groups they
// listen to. Version 1 (RFC 1112 appendix I), 2 (RFC 2236 §2) and 3 (RFC 3376 §4; RFC 9776
// keeps its sections) share one Membership Query type and tell it apart by length (RFC 3376
// §7.1). Every message goes with TTL 1 and the Router Alert option (RFC 2113; RFC 3376 §4).

/// The message types (RFC 3376 §4, RFC 2236 §2.1, RFC 1112 appendix I).
namespace igmp_type {
inline constexpr std::uint8_t kMembershipQuery = 0x11;
inline constexpr std::uint8_t kV1MembershipReport = 0x12;
inline constexpr std::uint8_t kV2MembershipReport = 0x16;
inline constexpr std::uint8_t kV2LeaveGroup = 0x17;
inline constexpr std::uint8_t kV3MembershipReport = 0x22;
}  // namespace igmp_type

/// The group record types of a version 3 report (RFC 3376 §4.2.12): the current state, a
/// change of filter mode, a change of the source list.
namespace igmp_record_type {
inline constexpr std::uint8_t kModeIsInclude = 1;
inline constexpr std::uint8_t kModeIsExclude = 2;
inline constexpr std::uint8_t kChangeToIncludeMode = 3;
inline constexpr std::uint8_t kChangeToExcludeMode = 4;
inline constexpr std::uint8_t kAllowNewSources = 5;
inline constexpr std::uint8_t kBlockOldSources = 6;
}  // namespace igmp_record_type

/// "MODE_IS_INCLUDE", …, "BLOCK_OLD_SOURCES" (the RFC's names), or "type-N record".
std::string igmp_record_type_name(std::uint8_t type);

/// What a version 3 Max Resp Code or QQIC stands for (RFC 3376 §4.1.1, §4.1.7): below 128 the
/// code itself; from 128 a floating-point number, 1|exp (3 bits)|mant (4 bits), worth
/// (mant | 0x10) << (exp + 3). Max Resp Code counts tenths of a second, QQIC seconds.
std::uint32_t igmp_code_value(std::uint8_t code);

/// What a version 3 query adds after the 8 bytes of versions 1 and 2 (RFC 3376 §4.1.4–§4.1.9).
struct IgmpV3QueryPart {
    std::uint8_t reserved = 0;  ///< Resv, 4 bits: zero when sent, kept as read (the checksum covers it)
    /// S (§4.1.5): routers that hear it do not lower their timers (a query repeated for robustness).
    bool suppress_router_processing = false;
    /// QRV (§4.1.6), 3 bits: the querier's robustness variable, 0 when it is above 7.
    std::uint8_t robustness = 2;
    /// QQIC (§4.1.7): the querier's query interval, a code (igmp_code_value gives seconds).
    std::uint8_t querier_interval_code = 125;
    /// Non-empty in a group-and-source-specific query (§4.1.9).
    std::vector<Ipv4Address> sources;

    auto operator<=>(const IgmpV3QueryPart&) const = default;
};

/// A Membership Query (RFC 2236 §2, RFC 3376 §4.1): general (group 0.0.0.0), or about one group.
struct IgmpQuery {
    /// RFC 2236 §2.2: the time a report may wait, in tenths of a second; a version 1 query
    /// has 0 here; version 3 sends a code (§4.1.1).
    std::uint8_t max_response_code = 100;
    Ipv4Address group;
    /// Present in a version 3 query: 12 bytes or more (§7.1).
    std::optional<IgmpV3QueryPart> v3;

    /// RFC 3376 §7.1: 8 bytes are version 1 when Max Resp Code is 0, else 2; 12 or more are 3.
    int version() const;
    /// The Max Resp Time in tenths of a second: 100 for a version 1 query (RFC 2236 §4), the
    /// field for version 2, the code decoded for version 3.
    std::uint32_t max_response_deciseconds() const;
    bool is_general() const { return group == Ipv4Address{}; }

    auto operator<=>(const IgmpQuery&) const = default;
};

/// One group joined or left: a version 1 or 2 Membership Report, or a version 2 Leave Group
/// (RFC 2236 §2, RFC 1112 appendix I). All have the same 8 bytes.
struct IgmpGroupMessage {
    /// kV1MembershipReport, kV2MembershipReport or kV2LeaveGroup.
    std::uint8_t type = igmp_type::kV2MembershipReport;
    /// Max Resp Time, which only a query uses (RFC 2236 §2.2: zero when sent), version 1's
    /// Unused byte; kept as read.
    std::uint8_t unused = 0;
    Ipv4Address group;

    auto operator<=>(const IgmpGroupMessage&) const = default;
};

/// One group record of a version 3 report (RFC 3376 §4.2.4).
struct IgmpGroupRecord {
    std::uint8_t type = igmp_record_type::kModeIsExclude;
    Ipv4Address group;
    std::vector<Ipv4Address> sources;
    /// Aux Data Len × 4 bytes (§4.2.6). IGMPv3 defines none, and a receiver ignores it (§4.2.10).
    std::vector<std::uint8_t> aux_data;

    auto operator<=>(const IgmpGroupRecord&) const = default;
};

/// A version 3 Membership Report (RFC 3376 §4.2), sent to 224.0.0.22.
struct IgmpV3Report {
    /// The two Reserved fields (bytes 1 and 4–5): zero when sent, kept as read.
    std::uint8_t reserved = 0;
    std::uint16_t reserved_after_checksum = 0;
    std::vector<IgmpGroupRecord> records;

    auto operator<=>(const IgmpV3Report&) const = default;
};

/// An IGMP message, the whole payload of an IPv4 packet of protocol 2.
struct IgmpMessage {
    static constexpr std::size_t kMinimumSize = 8;
    /// Where general queries go (RFC 2236 §2.1): every host of the link.
    static constexpr Ipv4Address kAllSystems{0xE0000001};
    /// Where version 2 leaves go (RFC 2236 §3).
    static constexpr Ipv4Address kAllRouters{0xE0000002};
    /// Where version 3 reports go (RFC 3376 §4.2.14).
    static constexpr Ipv4Address kAllV3Routers{0xE0000016};

    using Body = std::variant<IgmpQuery, IgmpGroupMessage, IgmpV3Report>;
    Body body;
    /// As received; write_igmp computes it.
    std::uint16_t checksum = 0;
    /// Whether the checksum over the whole message holds. A wrong one is shown, not refused,
    /// so that the trace can say so.
    bool checksum_valid = false;
    /// Bytes after the message: the checksum covers them, a receiver ignores them (RFC 2236
    /// §2.5, RFC 3376 §4.1.10, §4.2.11).
    std::vector<std::uint8_t> additional_data;

    std::uint8_t type() const;
    /// 1, 2 or 3: a query's by §7.1, a report's by its type, a leave's 2.
    int version() const;

    auto operator<=>(const IgmpMessage&) const = default;
};

/// Parses an IGMP message (an IPv4 payload, whole). Refused: fewer than 8 bytes, a type this
/// code does not know (RFC 3376 §4: ignored), a query of 9 to 11 bytes (§7.1: ignored), a
/// number of sources or group records, or aux data, that runs past the message. A wrong
/// checksum is reported (checksum_valid), not refused.
Parsed<IgmpMessage> parse_igmp(Bytes message);

/// Appends the message as stored, its checksum computed (RFC 3376 §4.1.2: over the whole
/// message, additional data included). Counts of sources and records are the vectors' sizes;
/// the caller keeps them within 16 bits and aux data to whole 4-byte words.
void write_igmp(Writer& out, const IgmpMessage& message);

}  // namespace emu::wire
