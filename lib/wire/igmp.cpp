#include "lib/wire/igmp.hpp"

#include <string>

#include <fmt/format.h>

#include "lib/wire/checksum.hpp"

namespace emu::wire {
namespace {

// RFC 3376 §4.1: a version 3 query is at least 12 bytes; §4.2.4: a group record at least 8.
constexpr std::size_t kV3QueryMinimumSize = 12;
constexpr std::size_t kGroupRecordMinimumSize = 8;

// A count read from the message (of sources, of records) that cannot fit in what is left is
// refused before anything is reserved for it.
bool room_for(Reader& in, std::size_t count, std::size_t each, const char* what) {
    if (in.failed()) return false;
    const std::size_t room = in.remaining() / each;
    if (count <= room) return true;
    in.fail(std::to_string(count) + " " + what + " announced, room for " + std::to_string(room));
    return false;
}

std::vector<Ipv4Address> read_sources(Reader& in, std::size_t count) {
    std::vector<Ipv4Address> sources;
    if (!room_for(in, count, 4, "sources")) return sources;
    sources.reserve(count);
    for (std::size_t i = 0; i < count; ++i) sources.push_back(Ipv4Address{in.u32("source address")});
    return sources;
}

void write_sources(Writer& out, const std::vector<Ipv4Address>& sources) {
    for (const auto& source : sources) out.u32(source.value);
}

IgmpQuery read_query(Reader& in, std::uint8_t max_response_code, std::size_t size) {
    IgmpQuery query;
    query.max_response_code = max_response_code;
    query.group.value = in.u32("group address");
    // §7.1: 8 bytes are version 1 or 2; 12 or more version 3; anything between is ignored.
    if (size == IgmpMessage::kMinimumSize) return query;
    if (size < kV3QueryMinimumSize) {
        in.fail("query of " + std::to_string(size) + " bytes, neither 8 (IGMPv1, v2) nor 12 or more (IGMPv3)");
        return query;
    }
    IgmpV3QueryPart v3;
    const auto flags = in.u8("Resv, S and QRV");
    v3.reserved = flags >> 4;
    v3.suppress_router_processing = (flags & 0x08) != 0;
    v3.robustness = flags & 0x07;
    v3.querier_interval_code = in.u8("QQIC");
    const auto sources = in.u16("number of sources");
    v3.sources = read_sources(in, sources);
    query.v3 = std::move(v3);
    return query;
}

IgmpV3Report read_v3_report(Reader& in, std::uint8_t reserved) {
    IgmpV3Report report;
    report.reserved = reserved;
    report.reserved_after_checksum = in.u16("reserved");
    const auto count = in.u16("number of group records");
    if (!room_for(in, count, kGroupRecordMinimumSize, "group records")) return report;
    report.records.reserve(count);
    for (std::size_t i = 0; i < count && !in.failed(); ++i) {
        IgmpGroupRecord record;
        record.type = in.u8("record type");
        const auto aux_words = in.u8("aux data length");
        const auto sources = in.u16("number of sources");
        record.group.value = in.u32("multicast address");
        record.sources = read_sources(in, sources);
        // §4.2.6: in units of 32-bit words.
        auto aux = in.bytes(aux_words * 4u, "auxiliary data");
        record.aux_data.assign(aux.begin(), aux.end());
        report.records.push_back(std::move(record));
    }
    return report;
}

}  // namespace

std::string igmp_record_type_name(std::uint8_t type) {
    switch (type) {
        case igmp_record_type::kModeIsInclude: return "MODE_IS_INCLUDE";
        case igmp_record_type::kModeIsExclude: return "MODE_IS_EXCLUDE";
        case igmp_record_type::kChangeToIncludeMode: return "CHANGE_TO_INCLUDE_MODE";
        case igmp_record_type::kChangeToExcludeMode: return "CHANGE_TO_EXCLUDE_MODE";
        case igmp_record_type::kAllowNewSources: return "ALLOW_NEW_SOURCES";
        case igmp_record_type::kBlockOldSources: return "BLOCK_OLD_SOURCES";
        default: return "type-" + std::to_string(type) + " record";
    }
}

std::uint32_t igmp_code_value(std::uint8_t code) {
    if (code < 128) return code;
    const std::uint32_t exponent = (code >> 4) & 0x07;
    const std::uint32_t mantissa = code & 0x0f;
    return (mantissa | 0x10) << (exponent + 3);
}

int IgmpQuery::version() const {
    if (v3) return 3;
    return max_response_code == 0 ? 1 : 2;
}

std::uint32_t IgmpQuery::max_response_deciseconds() const {
    switch (version()) {
        case 1: return 100;
        case 2: return max_response_code;
        default: return igmp_code_value(max_response_code);
    }
}

std::uint8_t IgmpMessage::type() const {
    if (std::holds_alternative<IgmpQuery>(body)) return igmp_type::kMembershipQuery;
    if (const auto* group = std::get_if<IgmpGroupMessage>(&body)) return group->type;
    return igmp_type::kV3MembershipReport;
}

int IgmpMessage::version() const {
    if (const auto* query = std::get_if<IgmpQuery>(&body)) return query->version();
    if (const auto* group = std::get_if<IgmpGroupMessage>(&body)) {
        return group->type == igmp_type::kV1MembershipReport ? 1 : 2;
    }
    return 3;
}

Parsed<IgmpMessage> parse_igmp(Bytes bytes) {
    Reader in(bytes);
    IgmpMessage message;
    const auto type = in.u8("type");
    const auto max_response_code = in.u8("max response code");
    message.checksum = in.u16("checksum");
    if (in.failed()) return tl::unexpected(in.error());
    switch (type) {
        case igmp_type::kMembershipQuery: message.body = read_query(in, max_response_code, bytes.size()); break;
        case igmp_type::kV1MembershipReport:
        case igmp_type::kV2MembershipReport:
        case igmp_type::kV2LeaveGroup:
            message.body = IgmpGroupMessage{type, max_response_code, Ipv4Address{in.u32("group address")}};
            break;
        case igmp_type::kV3MembershipReport: message.body = read_v3_report(in, max_response_code); break;
        // RFC 3376 §4: unrecognised types are ignored.
        default: return tl::unexpected(WireError{fmt::format("unknown type 0x{:02x}", type), 0});
    }
    if (in.failed()) return tl::unexpected(in.error());
    auto rest = in.rest();
    message.additional_data.assign(rest.begin(), rest.end());
    InternetChecksum sum;
    sum.add(bytes);
    message.checksum_valid = sum.value() == 0;
    return message;
}

void write_igmp(Writer& out, const IgmpMessage& message) {
    std::vector<std::uint8_t> bytes;
    Writer whole(bytes);
    whole.u8(message.type());
    if (const auto* query = std::get_if<IgmpQuery>(&message.body)) {
        whole.u8(query->max_response_code);
        whole.u16(0);  // the checksum, once the rest is there
        whole.u32(query->group.value);
        if (query->v3) {
            const auto& v3 = *query->v3;
            whole.u8(static_cast<std::uint8_t>(v3.reserved << 4 | (v3.suppress_router_processing ? 0x08 : 0) |
                                               (v3.robustness & 0x07)));
            whole.u8(v3.querier_interval_code);
            whole.u16(static_cast<std::uint16_t>(v3.sources.size()));
            write_sources(whole, v3.sources);
        }
    } else if (const auto* group = std::get_if<IgmpGroupMessage>(&message.body)) {
        whole.u8(group->unused);
        whole.u16(0);
        whole.u32(group->group.value);
    } else {
        const auto& report = std::get<IgmpV3Report>(message.body);
        whole.u8(report.reserved);
        whole.u16(0);
        whole.u16(report.reserved_after_checksum);
        whole.u16(static_cast<std::uint16_t>(report.records.size()));
        for (const auto& record : report.records) {
            whole.u8(record.type);
            whole.u8(static_cast<std::uint8_t>(record.aux_data.size() / 4));
            whole.u16(static_cast<std::uint16_t>(record.sources.size()));
            whole.u32(record.group.value);
            write_sources(whole, record.sources);
            whole.bytes(record.aux_data);
        }
    }
    whole.bytes(message.additional_data);
    InternetChecksum sum;
    sum.add(bytes);
    const auto checksum = sum.value();
    bytes[2] = static_cast<std::uint8_t>(checksum >> 8);
    bytes[3] = static_cast<std::uint8_t>(checksum);
    out.bytes(bytes);
}

}  // namespace emu::wire
