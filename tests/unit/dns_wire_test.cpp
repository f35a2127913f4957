// The DNS codec (lib/wire/dns) against messages from dig and dnsmasq (golden frames made by
// tests/data/frames/capture-dns): every field read, every message written back to the same
// meaning (and the uncompressed queries to the same bytes), every truncation refused, and
// hostile names — pointer loops, forward pointers, overlong names — refused.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "emud/trace/dns_decoder.hpp"
#include "lib/wire/dns.hpp"
#include "lib/wire/frame.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::wire;
using emu::test::golden_frame;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
DnsName name(const char* text) { return *DnsName::parse(text); }

// The DNS message of a golden frame: a UDP payload, or a TCP payload after its length prefix.
std::vector<std::uint8_t> golden_payload(const std::string& frame_name) {
    auto frame = golden_frame(frame_name);
    auto decoded = decode_frame(frame);
    REQUIRE(decoded);
    if (decoded->udp) return {decoded->udp->payload.begin(), decoded->udp->payload.end()};
    REQUIRE(decoded->tcp);
    auto payload = decoded->tcp->payload;
    REQUIRE(payload.size() >= 2);
    std::size_t length = std::size_t{payload[0]} << 8 | payload[1];  // RFC 1035 §4.2.2
    REQUIRE(payload.size() == length + 2);
    return {payload.begin() + 2, payload.end()};
}

DnsMessage golden_message(const std::string& frame_name) {
    auto payload = golden_payload(frame_name);
    auto message = parse_dns(payload);
    if (!message) FAIL(frame_name << ": " << message.error().to_string());
    return *message;
}

std::vector<std::uint8_t> written(const DnsMessage& message) {
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_dns(out, message);
    return bytes;
}

const char* const kGoldens[] = {
    "dns_dig_query_a_edns",       "dns_dnsmasq_answer_a_edns", "dns_dig_query_aaaa",
    "dns_dnsmasq_answer_aaaa",    "dns_dnsmasq_answer_mx",     "dns_dnsmasq_answer_txt",
    "dns_dnsmasq_answer_srv",     "dns_dnsmasq_answer_cname",  "dns_dnsmasq_answer_nxdomain",
    "dns_dnsmasq_answer_truncated", "dns_dig_query_tcp",       "dns_dnsmasq_answer_tcp",
};

}  // namespace

TEST_CASE("dig's query with EDNS and dnsmasq's answer read field by field", "[wire][golden][dns]") {
    auto query = golden_message("dns_dig_query_a_edns");
    CHECK_FALSE(query.header.response);
    CHECK(query.header.opcode == 0);
    CHECK(query.header.recursion_desired);
    CHECK(query.header.authentic_data);  // dig sets AD in queries (RFC 6840 §5.7)
    REQUIRE(query.questions.size() == 1);
    CHECK(query.questions[0] == DnsQuestion{name("www.lab.example"), dns_type::kA, dns_class::kIn});
    CHECK(query.answers.empty());
    auto edns = query.edns();
    REQUIRE(edns);
    CHECK(edns->udp_payload_size == 1232);
    CHECK(edns->version == 0);
    REQUIRE(edns->options.size() == 1);
    CHECK(edns->options[0].code == 10);  // a DNS cookie (RFC 7873)
    CHECK(edns->options[0].data.size() == 8);

    auto answer = golden_message("dns_dnsmasq_answer_a_edns");
    CHECK(answer.header.id == query.header.id);
    CHECK(answer.header.response);
    CHECK(answer.header.rcode == dns_rcode::kNoError);
    REQUIRE(answer.answers.size() == 1);
    const auto& a = answer.answers[0];
    CHECK(a.name.equals(name("www.lab.example")));
    CHECK(a.type == dns_type::kA);
    CHECK(std::get<Ipv4Address>(a.data) == ip("10.0.2.80"));
    CHECK(answer.edns());
}

TEST_CASE("AAAA, MX, TXT, SRV, CNAME and NXDOMAIN answers from dnsmasq", "[wire][golden][dns]") {
    auto aaaa = golden_message("dns_dnsmasq_answer_aaaa");
    REQUIRE(aaaa.answers.size() == 1);
    CHECK(std::get<Ipv6Address>(aaaa.answers[0].data) == *Ipv6Address::parse("2001:db8::80"));
    CHECK_FALSE(aaaa.edns());

    auto mx = golden_message("dns_dnsmasq_answer_mx");
    REQUIRE(mx.answers.size() == 1);
    CHECK(std::get<DnsMx>(mx.answers[0].data) == DnsMx{10, name("mail.lab.example")});
    REQUIRE(mx.additionals.size() == 1);  // the exchange's address, as a courtesy
    CHECK(std::get<Ipv4Address>(mx.additionals[0].data) == ip("10.0.2.25"));

    auto txt = golden_message("dns_dnsmasq_answer_txt");
    REQUIRE(txt.answers.size() == 1);
    CHECK(std::get<DnsText>(txt.answers[0].data).strings == std::vector<std::string>{"v=spf1 -all", "emu golden"});

    auto srv = golden_message("dns_dnsmasq_answer_srv");
    REQUIRE(srv.answers.size() == 1);
    CHECK(std::get<DnsSrv>(srv.answers[0].data) == DnsSrv{0, 5, 80, name("www.lab.example")});

    auto cname = golden_message("dns_dnsmasq_answer_cname");
    REQUIRE(cname.answers.size() == 2);
    CHECK(cname.answers[0].type == dns_type::kCname);
    CHECK(std::get<DnsName>(cname.answers[0].data).equals(name("www.lab.example")));
    CHECK(cname.answers[1].name.equals(name("www.lab.example")));

    auto nx = golden_message("dns_dnsmasq_answer_nxdomain");
    CHECK(nx.header.rcode == dns_rcode::kNxDomain);
    CHECK(dns_rcode_name(nx.header.rcode) == "NXDOMAIN");
    CHECK(nx.answers.empty());
}

TEST_CASE("An answer over 512 bytes: dnsmasq truncates it over UDP and sends it whole over TCP",
          "[wire][golden][dns]") {
    auto cut = golden_message("dns_dnsmasq_answer_truncated");
    CHECK(cut.header.truncated);
    CHECK(golden_payload("dns_dnsmasq_answer_truncated").size() <= DnsMessage::kClassicUdpSize);
    auto whole = golden_message("dns_dnsmasq_answer_tcp");
    CHECK_FALSE(whole.header.truncated);
    CHECK(whole.answers.size() == 40);
    CHECK(cut.answers.size() < whole.answers.size());
    CHECK(golden_payload("dns_dnsmasq_answer_tcp").size() > DnsMessage::kClassicUdpSize);
    auto query = golden_message("dns_dig_query_tcp");
    CHECK(query.questions.at(0).name.equals(name("big.lab.example")));
}

TEST_CASE("Every golden message writes back to the same message, dig's queries to the same bytes",
          "[wire][golden][dns]") {
    for (const char* golden : kGoldens) {
        INFO(golden);
        auto payload = golden_payload(golden);
        auto message = golden_message(golden);
        auto bytes = written(message);
        auto again = parse_dns(bytes);
        REQUIRE(again);
        CHECK(*again == message);
        // Compressed at least as well as the peer did.
        CHECK(bytes.size() <= payload.size());
        if (std::string(golden).rfind("dns_dig_query", 0) == 0) CHECK(bytes == payload);
    }
}

TEST_CASE("Every truncation of a golden message is refused", "[wire][golden][dns]") {
    for (const char* golden : kGoldens) {
        INFO(golden);
        auto payload = golden_payload(golden);
        for (std::size_t size = 0; size < payload.size(); ++size) {
            INFO(size);
            CHECK_FALSE(parse_dns(Bytes(payload.data(), size)));
        }
        auto longer = payload;
        longer.push_back(0);
        CHECK_FALSE(parse_dns(longer));  // bytes after the last record
    }
}

TEST_CASE("Hostile names are refused: loops, forward pointers, overlong names, retired label types",
          "[wire][dns]") {
    // A header with one question, then the question's name bytes, type A, class IN.
    auto with_name = [](const std::vector<std::uint8_t>& name_bytes) {
        std::vector<std::uint8_t> message;
        for (int byte : {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}) message.push_back(static_cast<std::uint8_t>(byte));
        for (auto byte : name_bytes) message.push_back(byte);
        for (int byte : {0, 1, 0, 1}) message.push_back(static_cast<std::uint8_t>(byte));
        return message;
    };
    auto refused = [](const std::vector<std::uint8_t>& bytes) {
        auto parsed = parse_dns(bytes);
        return parsed ? std::string("accepted") : parsed.error().what;
    };
    CHECK(refused(with_name({0xc0, 0x0c})).find("does not point back") != std::string::npos);  // to itself
    CHECK(refused(with_name({0xc0, 0x20})).find("does not point back") != std::string::npos);  // forward
    CHECK(refused(with_name({0x01, 'a', 0xc0, 0x0c})).find("does not point back") != std::string::npos);  // a loop
    CHECK(refused(with_name({0x41, 'a'})).find("label type 0x40") != std::string::npos);
    std::vector<std::uint8_t> long_name;
    for (int i = 0; i < 5; ++i) {
        long_name.push_back(63);
        long_name.insert(long_name.end(), 63, 'x');
    }
    long_name.push_back(0);
    CHECK(refused(with_name(long_name)) == "name longer than 255 bytes");
    // A pointer back into the header is allowed by the format and reads what is there.
    CHECK(refused(with_name({0x03, 'w', 'w', 'w', 0x00})) == "accepted");
    // Counts that promise more than the bytes hold.
    std::vector<std::uint8_t> greedy{0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
    CHECK(refused(greedy).find("do not fit") != std::string::npos);
}

TEST_CASE("Record data must fill its RDLENGTH exactly for the types with a shape", "[wire][dns]") {
    DnsMessage message;
    message.header.response = true;
    message.answers.push_back({name("a.example"), dns_type::kA, dns_class::kIn, 60, ip("192.0.2.1")});
    auto bytes = written(message);
    // RDLENGTH is the two bytes before the last four; make it 5 and add a byte.
    bytes[bytes.size() - 5] = 5;
    bytes.push_back(0);
    auto parsed = parse_dns(bytes);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().what == "A data of 5 bytes");
}

TEST_CASE("Names are written compressed against earlier ones, SRV targets excepted", "[wire][dns]") {
    DnsMessage message;
    message.header.response = true;
    message.questions.push_back({name("www.lab.example"), dns_type::kSrv, dns_class::kIn});
    message.answers.push_back({name("www.lab.example"), dns_type::kSrv, dns_class::kIn, 60,
                               DnsSrv{0, 5, 80, name("www.lab.example")}});
    message.answers.push_back({name("WWW.Lab.Example"), dns_type::kCname, dns_class::kIn, 60, name("mail.lab.example")});
    auto bytes = written(message);
    // Question: 17 bytes of name. SRV owner: a pointer (2). SRV target: 17 uncompressed.
    // CNAME owner: in another case, so written out (case is kept, RFC 4343 §4.1). CNAME
    // target: "mail", then a pointer to "lab.example".
    CHECK(bytes.size() == 12 + (17 + 4) + (2 + 10 + 6 + 17) + (17 + 10 + 5 + 2));
    auto parsed = parse_dns(bytes);
    REQUIRE(parsed);
    CHECK(*parsed == message);
}

TEST_CASE("Presentation names: dots, escapes, the root and the limits", "[wire][dns]") {
    CHECK(name("www.example.com").labels == std::vector<std::string>{"www", "example", "com"});
    CHECK(name("www.example.com.") == name("www.example.com"));
    CHECK(name(".").labels.empty());
    CHECK(name(".").to_string() == ".");
    CHECK(name("a\\.b.example").labels == std::vector<std::string>{"a.b", "example"});
    CHECK(name("a\\032b").labels[0] == "a b");
    CHECK(name("a\\032b.example").to_string() == "a\\032b.example.");
    CHECK(name("a\\.b.example").to_string() == "a\\.b.example.");
    CHECK_FALSE(DnsName::parse(""));
    CHECK_FALSE(DnsName::parse("a..b"));
    CHECK_FALSE(DnsName::parse(std::string(64, 'x') + ".example"));
    CHECK(DnsName::parse(std::string(63, 'x') + ".example"));
    CHECK_FALSE(DnsName::parse("a\\256"));
    CHECK_FALSE(DnsName::parse("a\\"));
    std::string long_text;
    for (int i = 0; i < 4; ++i) long_text += std::string(63, 'x') + ".";
    CHECK_FALSE(DnsName::parse(long_text));  // 4 × 64 + 1 = 257 bytes
    CHECK(name("WWW.Example.COM").equals(name("www.example.com")));
    CHECK(name("www.example.com").is_within(name("EXAMPLE.com")));
    CHECK(name("example.com").is_within(name(".")));
    CHECK_FALSE(name("example.com").is_within(name("www.example.com")));
    CHECK_FALSE(name("badexample.com").is_within(name("example.com")));
}

TEST_CASE("Type names both ways", "[wire][dns]") {
    CHECK(dns_type_name(dns_type::kAaaa) == "AAAA");
    CHECK(dns_type_name(99) == "TYPE99");
    CHECK(dns_type_from_name("mx") == dns_type::kMx);
    CHECK(dns_type_from_name("TYPE99") == 99);
    CHECK_FALSE(dns_type_from_name("TYPE99999"));
    CHECK_FALSE(dns_type_from_name("NOPE"));
    CHECK(dns_type_name(dns_type::kAxfr) == "AXFR");
    CHECK(dns_type_from_name("ixfr") == dns_type::kIxfr);
}

TEST_CASE("Data types and the rest: 0, OPT and 128-255 name no records (RFC 6895 §3.1)", "[wire][dns]") {
    for (std::uint16_t type : {1, 16, 99, 127, 256, 65535}) CHECK(dns_type_is_data(type));
    for (std::uint16_t type : {0, 41, 128, 200, 249, 252, 255}) CHECK_FALSE(dns_type_is_data(type));
}

TEST_CASE("An answer too big for the client's size: additional data goes first, then whole RRsets with TC",
          "[wire][dns]") {
    auto whole = golden_message("dns_dnsmasq_answer_tcp");
    auto bytes = write_dns_within(whole, DnsMessage::kClassicUdpSize);
    CHECK(bytes.size() <= DnsMessage::kClassicUdpSize);
    auto cut = parse_dns(bytes);
    REQUIRE(cut);
    CHECK(cut->header.truncated);
    // All forty A records are one RRset: it is never split, so none of it is left.
    CHECK(cut->answers.empty());
    CHECK(cut->questions == whole.questions);
    // Fits: the same bytes as write_dns, no TC.
    CHECK(write_dns_within(whole, 65535) == written(whole));

    auto mx = golden_message("dns_dnsmasq_answer_mx");
    auto without_courtesy = parse_dns(write_dns_within(mx, written(mx).size() - 1));
    REQUIRE(without_courtesy);
    CHECK_FALSE(without_courtesy->header.truncated);  // only additional data went
    CHECK(without_courtesy->additionals.empty());
    CHECK(without_courtesy->answers == mx.answers);

    DnsMessage with_edns = mx;
    with_edns.set_edns({1232, 0, 0, false, {}});
    auto kept = parse_dns(write_dns_within(with_edns, written(mx).size() - 1 + 11));
    REQUIRE(kept);
    CHECK(kept->edns());  // the OPT record stays
}

TEST_CASE("The trace shows each DNS message in a line: question, answers, rcode, TC", "[trace][dns]") {
    emu::trace::DnsDecoder decoder;
    CHECK(decoder.serves(17, 53));
    CHECK(decoder.serves(6, 53));
    CHECK_FALSE(decoder.serves(17, 5353));
    auto summary = [&](const char* golden) {
        auto payload = golden_payload(golden);
        auto layers = decoder.datagram(payload, emu::trace::FlowDirection::to_client);
        REQUIRE(layers.size() == 1);
        return layers[0];
    };
    auto query = summary("dns_dig_query_a_edns");
    auto id = golden_message("dns_dig_query_a_edns").header.id;
    CHECK(query.summary == fmt::format("DNS query A www.lab.example id=0x{:04x}", id));
    CHECK(query.fields["message"] == "query");
    CHECK(query.fields["qname"] == "www.lab.example");
    CHECK(query.fields["edns_size"] == 1232);
    auto answer = summary("dns_dnsmasq_answer_a_edns");
    CHECK(answer.summary == fmt::format("DNS response A www.lab.example → 10.0.2.80 aa id=0x{:04x}", id));
    CHECK(answer.fields["answers"] == nlohmann::json::array({"10.0.2.80"}));
    CHECK(answer.fields["rcode"] == "NOERROR");
    CHECK(summary("dns_dnsmasq_answer_cname").summary.find("→ CNAME www.lab.example, 10.0.2.80") != std::string::npos);
    CHECK(summary("dns_dnsmasq_answer_mx").summary.find("→ 10 mail.lab.example") != std::string::npos);
    CHECK(summary("dns_dnsmasq_answer_nxdomain").summary.find("nope.lab.example NXDOMAIN") != std::string::npos);
    auto truncated = summary("dns_dnsmasq_answer_truncated");
    CHECK(truncated.summary.find(" TC id=") != std::string::npos);
    CHECK(truncated.fields["tc"] == true);

    auto garbage = decoder.datagram(std::vector<std::uint8_t>{1, 2, 3}, emu::trace::FlowDirection::to_server);
    REQUIRE(garbage.size() == 1);
    CHECK(garbage[0].protocol == "malformed");
}

TEST_CASE("Over TCP the trace takes each DNS message after its length, across segments", "[trace][dns]") {
    emu::trace::DnsDecoder decoder;
    auto framed = [](const std::vector<std::uint8_t>& message) {
        std::vector<std::uint8_t> bytes{static_cast<std::uint8_t>(message.size() >> 8),
                                        static_cast<std::uint8_t>(message.size())};
        bytes.insert(bytes.end(), message.begin(), message.end());
        return bytes;
    };
    auto query = framed(golden_payload("dns_dig_query_tcp"));
    auto answer = framed(golden_payload("dns_dnsmasq_answer_tcp"));
    // Two queries in one segment, and half of a third.
    std::vector<std::uint8_t> buffer = query;
    buffer.insert(buffer.end(), query.begin(), query.end());
    buffer.insert(buffer.end(), answer.begin(), answer.begin() + 100);
    auto layers = decoder.stream(buffer, emu::trace::FlowDirection::to_server);
    CHECK(layers.size() == 2);
    CHECK(buffer.size() == 100);
    buffer.insert(buffer.end(), answer.begin() + 100, answer.end());
    layers = decoder.stream(buffer, emu::trace::FlowDirection::to_client);
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].fields["transport"] == "TCP");
    CHECK(layers[0].fields["answers"].size() == 40);
    CHECK(layers[0].summary.find(", +36 more") != std::string::npos);
    CHECK(buffer.empty());
}
