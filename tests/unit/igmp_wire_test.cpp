// The IGMP codec against messages from real peers (captured by tests/data/frames/capture-igmp):
// Linux as a host, its reports and leaves in IGMPv1, v2 and v3, and a Linux bridge as the
// querier, its IGMPv2 and v3 queries; one query with the floating-point codes is made by hand
// from RFC 3376 §4.1. Each parses to what was sent (and to what tshark reads in it), writes
// back to the same bytes, refuses every cut; then what no peer sent: hostile counts and
// lengths, a bad checksum, a query of the wrong length; and how the trace shows each message.
#include <catch2/catch.hpp>

#include "emud/trace/describe.hpp"
#include "lib/wire/checksum.hpp"
#include "lib/wire/frame.hpp"
#include "lib/wire/igmp.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::wire;
using emu::test::golden_frame;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

// The IP payload of a golden frame: the IGMP message.
std::vector<std::uint8_t> golden_payload(const std::string& name) {
    return emu::test::golden_ip_payload(name, ip_protocol::kIgmp);
}

IgmpMessage golden_igmp(const std::string& name) {
    auto message = parse_igmp(golden_payload(name));
    if (!message) FAIL(name << ": " << message.error().to_string());
    return *message;
}

std::vector<std::uint8_t> written(const IgmpMessage& message) {
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_igmp(out, message);
    return bytes;
}

// The bytes with their checksum made right again: a change only the message's own
// structure can refuse.
std::vector<std::uint8_t> with_checksum(std::vector<std::uint8_t> bytes) {
    bytes[2] = bytes[3] = 0;
    InternetChecksum sum;
    sum.add(bytes);
    bytes[2] = static_cast<std::uint8_t>(sum.value() >> 8);
    bytes[3] = static_cast<std::uint8_t>(sum.value());
    return bytes;
}

std::string refused(const std::vector<std::uint8_t>& bytes) {
    auto parsed = parse_igmp(bytes);
    REQUIRE_FALSE(parsed);
    return parsed.error().to_string();
}

// What tshark 4.0.17 reads in each golden frame (`tshark -T fields -e igmp.version -e
// igmp.type -e igmp.max_resp -e igmp.maddr -e igmp.num_src -e igmp.saddr -e igmp.record_type
// …`; every checksum "Good"): the codec must read the same. Max Resp is in tenths of a
// second as tshark decodes it (for version 3 the floating-point form); for reports, each
// record's type, group and sources.
struct TsharkReading {
    const char* name;
    int version;
    std::uint8_t type;
    std::uint32_t max_response;  // queries only
    const char* group;           // a v3 report's: its first record's
    std::vector<const char*> sources;
    std::vector<std::uint8_t> record_types;
};

const std::vector<TsharkReading> kTshark = {
    {"igmp_bridge_v2_query", 2, 0x11, 100, "0.0.0.0", {}, {}},
    {"igmp_bridge_v2_query_group", 2, 0x11, 10, "239.1.2.3", {}, {}},
    {"igmp_bridge_v3_query", 3, 0x11, 100, "0.0.0.0", {}, {}},
    {"igmp_bridge_v3_query_group", 3, 0x11, 10, "239.1.2.3", {}, {}},
    {"igmp_bridge_v3_query_sources", 3, 0x11, 10, "232.1.1.1", {"10.0.9.8", "10.0.9.7"}, {}},
    {"igmp_handmade_v3_query_sources", 3, 0x11, 416, "232.1.1.1", {"10.0.9.7", "10.0.9.8"}, {}},
    {"igmp_linux_v1_report", 1, 0x12, 0, "239.1.2.4", {}, {}},
    {"igmp_linux_v2_leave", 2, 0x17, 0, "239.1.2.3", {}, {}},
    {"igmp_linux_v2_report", 2, 0x16, 0, "239.1.2.3", {}, {}},
    {"igmp_linux_v3_report_allow", 3, 0x22, 0, "232.1.1.1", {"10.0.9.7", "10.0.9.8"}, {5}},
    {"igmp_linux_v3_report_block", 3, 0x22, 0, "232.1.1.1", {"10.0.9.8", "10.0.9.7"}, {6}},
    {"igmp_linux_v3_report_current", 3, 0x22, 0, "232.1.1.1", {"10.0.9.7", "10.0.9.8"}, {1, 2}},
    {"igmp_linux_v3_report_join", 3, 0x22, 0, "239.1.2.3", {}, {4}},
    {"igmp_linux_v3_report_leave", 3, 0x22, 0, "239.1.2.3", {}, {3}},
};

std::vector<Ipv4Address> addresses(const std::vector<const char*>& texts) {
    std::vector<Ipv4Address> out;
    for (const auto* text : texts) out.push_back(ip(text));
    return out;
}

}  // namespace

TEST_CASE("every golden IGMP message reads as tshark reads it", "[wire][golden][igmp]") {
    for (const auto& theirs : kTshark) {
        INFO(theirs.name);
        auto message = golden_igmp(theirs.name);
        CHECK(message.checksum_valid);
        CHECK(message.additional_data.empty());
        CHECK(message.version() == theirs.version);
        CHECK(message.type() == theirs.type);
        if (const auto* query = std::get_if<IgmpQuery>(&message.body)) {
            CHECK(query->max_response_deciseconds() == theirs.max_response);
            CHECK(query->group == ip(theirs.group));
            CHECK((query->v3 ? query->v3->sources : std::vector<Ipv4Address>{}) == addresses(theirs.sources));
        } else if (const auto* group = std::get_if<IgmpGroupMessage>(&message.body)) {
            CHECK(group->group == ip(theirs.group));
            CHECK(group->unused == 0);
        } else {
            const auto& records = std::get<IgmpV3Report>(message.body).records;
            REQUIRE(records.size() == theirs.record_types.size());
            for (std::size_t i = 0; i < records.size(); ++i) CHECK(records[i].type == theirs.record_types[i]);
            CHECK(records[0].group == ip(theirs.group));
            CHECK(records[0].sources == addresses(theirs.sources));
            for (const auto& record : records) CHECK(record.aux_data.empty());
        }
    }
}

TEST_CASE("Linux's reports say which groups it joins and leaves, in each version", "[wire][golden][igmp]") {
    // RFC 1112 appendix I and RFC 2236 §2: one group, the "unused" byte zero.
    auto v1 = std::get<IgmpGroupMessage>(golden_igmp("igmp_linux_v1_report").body);
    CHECK(v1.type == igmp_type::kV1MembershipReport);
    CHECK(v1.group == ip("239.1.2.4"));
    CHECK(std::get<IgmpGroupMessage>(golden_igmp("igmp_linux_v2_leave").body).type == igmp_type::kV2LeaveGroup);

    // RFC 3376 §5.1: joining any source is a change to EXCLUDE mode with no sources; the answer
    // to a general query is the current state of every group, here one of each mode.
    auto join = std::get<IgmpV3Report>(golden_igmp("igmp_linux_v3_report_join").body);
    REQUIRE(join.records.size() == 1);
    CHECK(join.records[0].type == igmp_record_type::kChangeToExcludeMode);
    CHECK(join.records[0].sources.empty());
    auto current = std::get<IgmpV3Report>(golden_igmp("igmp_linux_v3_report_current").body);
    REQUIRE(current.records.size() == 2);
    CHECK(current.records[0].type == igmp_record_type::kModeIsInclude);
    CHECK(current.records[1].type == igmp_record_type::kModeIsExclude);
    CHECK(current.records[1].group == ip("239.1.2.3"));
    CHECK(current.records[1].sources.empty());
    CHECK(current.reserved == 0);
    CHECK(current.reserved_after_checksum == 0);
}

TEST_CASE("the bridge's queries: general and group-specific, their version told by length (RFC 3376 §7.1)",
          "[wire][golden][igmp]") {
    auto v2 = std::get<IgmpQuery>(golden_igmp("igmp_bridge_v2_query").body);
    CHECK(v2.is_general());
    CHECK_FALSE(v2.v3);
    CHECK(v2.max_response_code == 100);

    auto v3 = std::get<IgmpQuery>(golden_igmp("igmp_bridge_v3_query").body);
    REQUIRE(v3.v3);
    CHECK(v3.is_general());
    CHECK(v3.v3->robustness == 2);
    CHECK(igmp_code_value(v3.v3->querier_interval_code) == 125);  // the bridge's default interval
    CHECK_FALSE(v3.v3->suppress_router_processing);
    CHECK(v3.v3->sources.empty());

    // An 8-byte query whose Max Resp Time is 0 is IGMPv1's, which means 10 s (RFC 2236 §4).
    auto bytes = golden_payload("igmp_bridge_v2_query");
    bytes[1] = 0;
    auto v1 = parse_igmp(with_checksum(bytes));
    REQUIRE(v1);
    CHECK(v1->version() == 1);
    CHECK(std::get<IgmpQuery>(v1->body).max_response_deciseconds() == 100);

    // 9 to 11 bytes is no version's query, and is ignored (§7.1).
    auto v3_bytes = golden_payload("igmp_bridge_v3_query");
    for (std::size_t size : {9, 10, 11}) {
        auto cut = v3_bytes;
        cut.resize(size);
        CHECK(refused(with_checksum(cut)) ==
              "query of " + std::to_string(size) + " bytes, neither 8 (IGMPv1, v2) nor 12 or more (IGMPv3) (at byte 8)");
    }
}

TEST_CASE("Max Resp Code and QQIC are read in their floating-point form from 128 on (RFC 3376 §4.1.1, §4.1.7)",
          "[wire][igmp]") {
    CHECK(igmp_code_value(0) == 0);
    CHECK(igmp_code_value(127) == 127);
    CHECK(igmp_code_value(0x80) == 128);          // exp 0, mant 0: 0x10 << 3
    CHECK(igmp_code_value(0x9a) == 416);          // exp 1, mant 10: 0x1a << 4
    CHECK(igmp_code_value(0x8f) == 248);          // exp 0, mant 15: 0x1f << 3
    CHECK(igmp_code_value(0xff) == 31744);        // the largest: 0x1f << 10
    auto handmade = std::get<IgmpQuery>(golden_igmp("igmp_handmade_v3_query_sources").body);
    REQUIRE(handmade.v3);
    CHECK(handmade.max_response_deciseconds() == 416);  // tshark: "Max Resp Time: 41.6 sec (0x9a)"
    // tshark shows the QQIC as its byte, 143; §4.1.7 reads 0x8f as 248 s.
    CHECK(handmade.v3->querier_interval_code == 0x8f);
    CHECK(igmp_code_value(handmade.v3->querier_interval_code) == 248);
    CHECK(handmade.v3->suppress_router_processing);
    CHECK(handmade.v3->robustness == 2);
    // A version 2 Max Resp Time is a plain number, even from 128 on (RFC 2236 §2.2).
    IgmpQuery v2;
    v2.max_response_code = 200;
    CHECK(v2.max_response_deciseconds() == 200);
}

TEST_CASE("every golden IGMP message writes back to the bytes it came in, checksum included", "[wire][golden][igmp]") {
    for (const auto& theirs : kTshark) {
        INFO(theirs.name);
        CHECK(written(golden_igmp(theirs.name)) == golden_payload(theirs.name));
    }
    // Made from its fields, Linux's version 2 report is the bytes Linux sent.
    IgmpMessage report;
    report.body = IgmpGroupMessage{igmp_type::kV2MembershipReport, 0, ip("239.1.2.3")};
    CHECK(written(report) == golden_payload("igmp_linux_v2_report"));
    IgmpMessage allow;
    IgmpV3Report records;
    records.records.push_back({igmp_record_type::kAllowNewSources, ip("232.1.1.1"), {ip("10.0.9.7"), ip("10.0.9.8")}, {}});
    allow.body = records;
    CHECK(written(allow) == golden_payload("igmp_linux_v3_report_allow"));
}

TEST_CASE("every cut of a golden IGMP message is refused, but where a shorter version reads it", "[wire][truncation][igmp]") {
    for (const auto& theirs : kTshark) {
        INFO(theirs.name);
        auto bytes = golden_payload(theirs.name);
        for (std::size_t size = 0; size < bytes.size(); ++size) {
            INFO("cut to " << size << " bytes");
            auto cut = parse_igmp(Bytes(bytes).first(size));
            // §7.1: the first 8 bytes of a version 3 query are a version 2 query; the checksum,
            // which covered the rest, says it is not what was sent.
            if (size == IgmpMessage::kMinimumSize && std::holds_alternative<IgmpQuery>(golden_igmp(theirs.name).body)) {
                REQUIRE(cut);
                CHECK(cut->version() == 2);
                CHECK_FALSE(cut->checksum_valid);
                continue;
            }
            CHECK_FALSE(cut);
            // A cut that the checksum agrees with is refused by the structure alone.
            if (size >= 4) CHECK_FALSE(parse_igmp(with_checksum({bytes.begin(), bytes.begin() + size})));
        }
    }
}

TEST_CASE("a wrong IGMP checksum is reported, not refused, and extra bytes are kept inside it", "[wire][igmp]") {
    auto bytes = golden_payload("igmp_linux_v3_report_current");
    bytes.back() ^= 0x01;
    auto damaged = parse_igmp(bytes);
    REQUIRE(damaged);
    CHECK_FALSE(damaged->checksum_valid);
    // Written again, it gets the checksum its contents call for.
    auto mended = parse_igmp(written(*damaged));
    REQUIRE(mended);
    CHECK(mended->checksum_valid);

    // RFC 2236 §2.5, RFC 3376 §4.2.11: bytes after the message count in the checksum and are
    // otherwise ignored; they are kept, so the message writes back whole.
    auto longer = golden_payload("igmp_linux_v2_report");
    longer.insert(longer.end(), {0xde, 0xad, 0xbe, 0xef});
    auto unchecked = parse_igmp(longer);
    REQUIRE(unchecked);
    CHECK_FALSE(unchecked->checksum_valid);
    longer = with_checksum(longer);
    auto extra = parse_igmp(longer);
    REQUIRE(extra);
    CHECK(extra->checksum_valid);
    CHECK(extra->additional_data == std::vector<std::uint8_t>{0xde, 0xad, 0xbe, 0xef});
    CHECK(written(*extra) == longer);
}

TEST_CASE("hostile IGMP messages are refused with what and where", "[wire][igmp]") {
    CHECK(refused({0x11, 0x64, 0x00}) == "truncated: checksum needs 2 bytes, 1 left (at byte 2)");
    auto unknown = golden_payload("igmp_linux_v2_report");
    unknown[0] = 0x13;  // DVMRP (RFC 1075's type): not IGMP's to read
    CHECK(refused(with_checksum(unknown)) == "unknown type 0x13 (at byte 0)");

    // Counts that the message has no room for are refused before anything is read for them.
    auto query = golden_payload("igmp_bridge_v3_query_sources");
    query[10] = 0xff;  // number of sources, high byte: 65282
    CHECK(refused(with_checksum(query)) == "65282 sources announced, room for 2 (at byte 12)");
    auto report = golden_payload("igmp_linux_v3_report_current");
    report[6] = 0x01;  // number of group records, high byte: 258
    CHECK(refused(with_checksum(report)) == "258 group records announced, room for 3 (at byte 8)");
    auto sources = report;
    sources[6] = 0;
    sources[10] = 0x40;  // the first record's number of sources, high byte: 16386
    CHECK(refused(with_checksum(sources)) == "16386 sources announced, room for 4 (at byte 16)");
    auto aux = golden_payload("igmp_linux_v3_report_join");
    aux[9] = 1;  // aux data length: one word, where the message ends
    CHECK(refused(with_checksum(aux)) == "truncated: auxiliary data needs 4 bytes, 0 left (at byte 16)");

    // Aux data that fits is kept (and ignored: RFC 3376 §4.2.10), the record still read.
    auto with_aux = golden_payload("igmp_linux_v3_report_join");
    with_aux[9] = 1;
    with_aux.insert(with_aux.end(), {1, 2, 3, 4});
    with_aux = with_checksum(with_aux);
    auto parsed = parse_igmp(with_aux);
    REQUIRE(parsed);
    const auto& record = std::get<IgmpV3Report>(parsed->body).records.at(0);
    CHECK(record.aux_data == std::vector<std::uint8_t>{1, 2, 3, 4});
    CHECK(record.group == ip("239.1.2.3"));
    CHECK(written(*parsed) == with_aux);
}

TEST_CASE("the trace shows each IGMP message: its version, type, group, time and records", "[trace][igmp]") {
    auto layers_of = [](const std::vector<std::uint8_t>& frame) {
        auto layers = emu::trace::describe_frame(frame, {});
        REQUIRE(layers.size() == 3);  // Ethernet, IPv4, IGMP
        CHECK(layers[1].fields["protocol"] == "IGMP");
        // Every message carries the Router Alert option (RFC 2113): the IPv4 layer reads past it.
        CHECK(layers[1].fields["options_length"] == 4);
        return layers;
    };
    auto layer_of = [&](const std::string& name) { return layers_of(golden_frame(name))[2]; };

    auto report = layer_of("igmp_linux_v2_report");
    CHECK(report.protocol == "IGMP");
    CHECK(report.summary == "IGMPv2 report 239.1.2.3");
    CHECK(report.fields["type"] == "report");
    CHECK(report.fields["version"] == 2);
    CHECK(report.fields["group"] == "239.1.2.3");
    CHECK(report.fields["checksum_valid"] == true);
    CHECK(layer_of("igmp_linux_v1_report").summary == "IGMPv1 report 239.1.2.4");
    auto leave = layer_of("igmp_linux_v2_leave");
    CHECK(leave.summary == "IGMPv2 leave 239.1.2.3");
    CHECK(leave.fields["type"] == "leave");

    auto general = layer_of("igmp_bridge_v2_query");
    CHECK(general.summary == "IGMPv2 query general max=10.0s");
    CHECK(general.fields["type"] == "query");
    CHECK(general.fields["general"] == true);
    CHECK(general.fields["max_response_ms"] == 10000);
    CHECK(layer_of("igmp_bridge_v2_query_group").summary == "IGMPv2 query 239.1.2.3 max=1.0s");
    CHECK(layer_of("igmp_bridge_v3_query").summary == "IGMPv3 query general max=10.0s qrv=2 qqi=125s");
    CHECK(layer_of("igmp_bridge_v3_query_group").summary == "IGMPv3 query 239.1.2.3 max=1.0s qrv=2 qqi=125s");
    CHECK(layer_of("igmp_bridge_v3_query_sources").summary ==
          "IGMPv3 query 232.1.1.1 {10.0.9.8, 10.0.9.7} max=1.0s qrv=2 qqi=125s");
    auto handmade = layer_of("igmp_handmade_v3_query_sources");
    CHECK(handmade.summary == "IGMPv3 query 232.1.1.1 {10.0.9.7, 10.0.9.8} max=41.6s qrv=2 qqi=248s suppress");
    CHECK(handmade.fields["max_response_ms"] == 41600);
    CHECK(handmade.fields["querier_interval"] == 248);
    CHECK(handmade.fields["robustness"] == 2);
    CHECK(handmade.fields["suppress_router_processing"] == true);
    CHECK(handmade.fields["sources"] == nlohmann::json::array({"10.0.9.7", "10.0.9.8"}));

    CHECK(layer_of("igmp_linux_v3_report_join").summary == "IGMPv3 report: 1 record, CHANGE_TO_EXCLUDE_MODE 239.1.2.3");
    CHECK(layer_of("igmp_linux_v3_report_leave").summary == "IGMPv3 report: 1 record, CHANGE_TO_INCLUDE_MODE 239.1.2.3");
    CHECK(layer_of("igmp_linux_v3_report_allow").summary ==
          "IGMPv3 report: 1 record, ALLOW_NEW_SOURCES 232.1.1.1 {10.0.9.7, 10.0.9.8}");
    CHECK(layer_of("igmp_linux_v3_report_block").summary ==
          "IGMPv3 report: 1 record, BLOCK_OLD_SOURCES 232.1.1.1 {10.0.9.8, 10.0.9.7}");
    auto current = layer_of("igmp_linux_v3_report_current");
    CHECK(current.summary ==
          "IGMPv3 report: 2 records, MODE_IS_INCLUDE 232.1.1.1 {10.0.9.7, 10.0.9.8}, MODE_IS_EXCLUDE 239.1.2.3");
    CHECK(current.fields["version"] == 3);
    CHECK(current.fields["groups"] == nlohmann::json::array({"232.1.1.1", "239.1.2.3"}));
    CHECK(current.fields["records"][0] == nlohmann::json({{"type", "MODE_IS_INCLUDE"},
                                                          {"group", "232.1.1.1"},
                                                          {"sources", {"10.0.9.7", "10.0.9.8"}}}));
    CHECK(current.fields["records"][1]["type"] == "MODE_IS_EXCLUDE");

    // A wrong checksum is shown; a message that does not parse is a malformed layer, the
    // layers under it standing.
    auto frame = golden_frame("igmp_linux_v2_report");
    frame.back() ^= 0x01;
    auto damaged = layers_of(frame)[2];
    CHECK(damaged.summary == "IGMPv2 report 239.1.2.2 BAD checksum");
    CHECK(damaged.fields["checksum_valid"] == false);
    frame = golden_frame("igmp_linux_v2_report");
    frame[14 + 24] = 0x13;
    auto unknown = layers_of(frame)[2];
    CHECK(unknown.protocol == "malformed");
    CHECK(unknown.summary == "IGMP malformed: unknown type 0x13 (at byte 0)");
}
