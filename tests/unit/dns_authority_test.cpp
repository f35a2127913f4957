// emu-dnsd's engine: RFC 1034 §4.3.2 for an authoritative server, query by query — answers
// with AA, CNAME chains, NXDOMAIN and NODATA with the SOA (RFC 2308), empty non-terminals
// (RFC 8020), referrals with glue below a zone cut, REFUSED for other zones and for zone
// transfers, FORMERR, NOTIMP, BADVERS, EDNS sizes and the DO bit, truncation of an answer
// too large for UDP, one RRset for ANY (RFC 8482), and the types that name no data.
#include <catch2/catch.hpp>

#include "lib/wire/dns_zone.hpp"
#include "nodes/dnsd/authority.hpp"

using namespace emu;
using namespace emu::wire;
using emu::dns::Authority;
using emu::dns::Zone;

namespace {

DnsName name(const char* text) { return *DnsName::parse(text); }
Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

Zone zone(const char* origin, const char* text) {
    auto records = parse_zone_text(text, name(origin), 300);
    if (!records) FAIL(records.error().line << ":" << records.error().column << " " << records.error().message);
    return {name(origin), *records};
}

std::vector<Zone> example() {
    std::vector<Zone> zones;
    zones.push_back(zone("example.com", R"(
@       SOA ns1 hostmaster 1 2h 15m 1w 60
@       NS  ns1
@       MX  10 mail
ns1     A   10.0.2.53
www     A   10.0.2.80
www     A   10.0.2.81
web     CNAME www
deep    CNAME web
loop1   CNAME loop2
loop2   CNAME loop1
mail    A   10.0.2.25
_http._tcp SRV 0 5 80 www
sub     NS  ns.sub
ns.sub  A   10.0.3.53
)"));
    zones.push_back(zone("lab.example.com", R"(
@       SOA ns1 hostmaster 7 1h 10m 1w 30
@       NS  ns1
ns1     A   10.0.4.53
)"));
    return zones;
}

DnsMessage query(const char* qname, std::uint16_t type = dns_type::kA) {
    DnsMessage message;
    message.header.id = 0x1234;
    message.header.recursion_desired = true;
    message.questions.push_back({name(qname), type, dns_class::kIn});
    return message;
}

}  // namespace

TEST_CASE("An answer from the zone: AA set, the question and id echoed, no recursion offered", "[dns][authority]") {
    Authority authority(example());
    auto answer = authority.answer(query("WWW.example.com"));
    REQUIRE(answer);
    const auto& response = answer->response;
    CHECK(answer->event == "dns.answer");
    CHECK(response.header.id == 0x1234);
    CHECK(response.header.response);
    CHECK(response.header.authoritative);
    CHECK(response.header.recursion_desired);
    CHECK_FALSE(response.header.recursion_available);
    CHECK(response.header.rcode == dns_rcode::kNoError);
    CHECK(response.questions == query("WWW.example.com").questions);
    REQUIRE(response.answers.size() == 2);
    CHECK(std::get<Ipv4Address>(response.answers[0].data) == ip("10.0.2.80"));
    CHECK(response.answers[0].ttl == 300);
    CHECK_FALSE(response.edns());  // none asked, none given
}

TEST_CASE("A CNAME chain is followed inside the zone, a loop ends", "[dns][authority]") {
    Authority authority(example());
    auto deep = authority.answer(query("deep.example.com"))->response;
    REQUIRE(deep.answers.size() == 4);
    CHECK(deep.answers[0].type == dns_type::kCname);
    CHECK(std::get<DnsName>(deep.answers[0].data) == name("web.example.com"));
    CHECK(deep.answers[1].type == dns_type::kCname);
    CHECK(deep.answers[2].type == dns_type::kA);
    // Asking for the CNAME itself gets only it.
    auto cname = authority.answer(query("web.example.com", dns_type::kCname))->response;
    REQUIRE(cname.answers.size() == 1);
    CHECK(cname.answers[0].type == dns_type::kCname);
    auto loop = authority.answer(query("loop1.example.com"))->response;
    CHECK(loop.answers.size() == 2);
    CHECK(loop.header.rcode == dns_rcode::kNoError);
}

TEST_CASE("No such name: NXDOMAIN with the SOA, no such type: NODATA with the SOA, empty non-terminals exist",
          "[dns][authority]") {
    Authority authority(example());
    auto nx = authority.answer(query("nope.example.com"));
    CHECK(nx->event == "dns.nxdomain");
    CHECK(nx->response.header.rcode == dns_rcode::kNxDomain);
    CHECK(nx->response.header.authoritative);
    CHECK(nx->response.answers.empty());
    REQUIRE(nx->response.authorities.size() == 1);
    CHECK(nx->response.authorities[0].type == dns_type::kSoa);
    CHECK(nx->response.authorities[0].ttl == 60);  // RFC 2308 §3: min(TTL 300, minimum 60)

    auto nodata = authority.answer(query("www.example.com", dns_type::kMx));
    CHECK(nodata->event == "dns.nodata");
    CHECK(nodata->response.header.rcode == dns_rcode::kNoError);
    CHECK(nodata->response.answers.empty());
    REQUIRE(nodata->response.authorities.size() == 1);

    auto non_terminal = authority.answer(query("_tcp.example.com", dns_type::kSrv));
    CHECK(non_terminal->event == "dns.nodata");
    CHECK(non_terminal->response.header.rcode == dns_rcode::kNoError);
}

TEST_CASE("Answers bring the addresses of the names they point to", "[dns][authority]") {
    Authority authority(example());
    auto mx = authority.answer(query("example.com", dns_type::kMx))->response;
    REQUIRE(mx.answers.size() == 1);
    REQUIRE(mx.additionals.size() == 1);
    CHECK(std::get<Ipv4Address>(mx.additionals[0].data) == ip("10.0.2.25"));
    auto srv = authority.answer(query("_http._tcp.example.com", dns_type::kSrv))->response;
    CHECK(srv.additionals.size() == 2);  // both of www's addresses
    auto ns = authority.answer(query("example.com", dns_type::kNs))->response;
    CHECK(ns.additionals.size() == 1);
}

TEST_CASE("Below a zone cut: a referral with the NS records and their glue, not authoritative", "[dns][authority]") {
    Authority authority(example());
    auto referral = authority.answer(query("host.sub.example.com"));
    CHECK(referral->event == "dns.referral");
    const auto& response = referral->response;
    CHECK_FALSE(response.header.authoritative);
    CHECK(response.header.rcode == dns_rcode::kNoError);
    CHECK(response.answers.empty());
    REQUIRE(response.authorities.size() == 1);
    CHECK(std::get<DnsName>(response.authorities[0].data) == name("ns.sub.example.com"));
    REQUIRE(response.additionals.size() == 1);
    CHECK(std::get<Ipv4Address>(response.additionals[0].data) == ip("10.0.3.53"));
    CHECK(authority.answer(query("sub.example.com", dns_type::kNs))->event == "dns.referral");
}

TEST_CASE("The closest zone answers, other names are REFUSED", "[dns][authority]") {
    Authority authority(example());
    auto child = authority.answer(query("ns1.lab.example.com"))->response;
    REQUIRE(child.answers.size() == 1);
    CHECK(std::get<Ipv4Address>(child.answers[0].data) == ip("10.0.4.53"));
    auto other = authority.answer(query("www.example.org"));
    CHECK(other->event == "dns.refused");
    CHECK(other->response.header.rcode == dns_rcode::kRefused);
    CHECK_FALSE(other->response.header.authoritative);
    CHECK(authority.counters().refused == 1);
}

TEST_CASE("Malformed and unsupported queries: FORMERR, NOTIMP, BADVERS, responses are never answered",
          "[dns][authority]") {
    Authority authority(example());
    auto two = query("www.example.com");
    two.questions.push_back(two.questions[0]);
    CHECK(authority.answer(two)->response.header.rcode == dns_rcode::kFormErr);
    auto notify = query("example.com", dns_type::kSoa);
    notify.header.opcode = 4;
    CHECK(authority.answer(notify)->response.header.rcode == dns_rcode::kNotImp);
    auto future = query("www.example.com");
    future.set_edns({4096, 0, 1, false, {}});
    auto badvers = authority.answer(future)->response;
    REQUIRE(badvers.edns());
    CHECK(badvers.edns()->extended_rcode == 1);  // BADVERS is 16: 1 << 4 | 0
    CHECK(badvers.answers.empty());
    auto reply = query("www.example.com");
    reply.header.response = true;
    CHECK_FALSE(authority.answer(reply));

    std::vector<std::uint8_t> garbage{0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xff};
    auto formerr = authority.format_error(garbage);
    REQUIRE(formerr);
    CHECK(formerr->header.id == 0xabcd);
    CHECK(formerr->header.rcode == dns_rcode::kFormErr);
    CHECK_FALSE(authority.format_error(std::vector<std::uint8_t>{1, 2, 3}));
    garbage[2] = 0x81;  // a response's header
    CHECK_FALSE(authority.format_error(garbage));
}

TEST_CASE("UDP size: 512 without EDNS, the client's with it up to 1232, too large means TC", "[dns][authority]") {
    CHECK(Authority::udp_limit(query("a.example.com")) == 512);
    auto big = query("a.example.com");
    big.set_edns({4096, 0, 0, false, {}});
    CHECK(Authority::udp_limit(big) == 1232);
    auto small = query("a.example.com");
    small.set_edns({100, 0, 0, false, {}});
    CHECK(Authority::udp_limit(small) == 512);

    std::string text = "@ SOA ns hostmaster 1 1h 1h 1h 1h\n";
    for (int i = 1; i <= 40; ++i) text += "big A 10.0.3." + std::to_string(i) + "\n";
    std::vector<Zone> zones;
    zones.push_back(zone("example.com", text.c_str()));
    Authority authority(std::move(zones));
    auto q = query("big.example.com");
    auto answer = authority.answer(q);
    REQUIRE(answer->response.answers.size() == 40);
    auto bytes = write_dns_within(answer->response, Authority::udp_limit(q));
    auto cut = parse_dns(bytes);
    REQUIRE(cut);
    CHECK(cut->header.truncated);
    CHECK(bytes.size() <= 512);
    q.set_edns({1232, 0, 0, false, {}});
    auto with_edns = authority.answer(q)->response;
    REQUIRE(with_edns.edns());
    CHECK(with_edns.edns()->udp_payload_size == 1232);
    CHECK_FALSE(parse_dns(write_dns_within(with_edns, Authority::udp_limit(q)))->header.truncated);
}

TEST_CASE("A zone needs its SOA, and every record inside it", "[dns][authority]") {
    std::vector<Zone> no_soa;
    no_soa.push_back(zone("example.com", "www A 10.0.0.1"));
    CHECK_THROWS_WITH(Authority(std::move(no_soa)), "the zone example.com. has no SOA record at its origin");
    std::vector<Zone> outside;
    outside.push_back(zone("example.com", "@ SOA ns h 1 1 1 1 1\nwww.example.org. A 10.0.0.1"));
    CHECK_THROWS_WITH(Authority(std::move(outside)), "www.example.org. is not in the zone example.com.");
}

TEST_CASE("A zone transfer is REFUSED, not answered as an empty NOERROR (RFC 5936 §2.2, §4.2)", "[dns][authority]") {
    Authority authority(example());
    for (auto type : {dns_type::kAxfr, dns_type::kIxfr}) {
        INFO(dns_type_name(type));
        auto transfer = authority.answer(query("example.com", type));
        REQUIRE(transfer);
        CHECK(transfer->event == "dns.transfer_refused");
        CHECK(transfer->response.header.rcode == dns_rcode::kRefused);
        CHECK_FALSE(transfer->response.header.authoritative);
        CHECK(transfer->response.answers.empty());
        CHECK(transfer->response.authorities.empty());
        CHECK(transfer->response.questions == query("example.com", type).questions);
    }
    CHECK(authority.counters().refused == 2);
    CHECK(authority.counters().answers == 0);
}

TEST_CASE("The DO bit of a query's OPT record comes back in the response's (RFC 3225 §3)", "[dns][authority]") {
    Authority authority(example());
    auto dnssec = query("www.example.com");
    dnssec.set_edns({1232, 0, 0, true, {}});
    auto answer = authority.answer(dnssec)->response;
    REQUIRE(answer.edns());
    CHECK(answer.edns()->dnssec_ok);
    CHECK(answer.edns()->udp_payload_size == Authority::kUdpPayloadSize);
    CHECK(answer.answers.size() == 2);  // nothing is signed: the same records, no RRSIG
    // Also on an error, and on BADVERS.
    auto other = dnssec;
    other.questions[0].name = name("www.example.org");
    CHECK(authority.answer(other)->response.edns()->dnssec_ok);
    auto future = dnssec;
    future.set_edns({1232, 0, 1, true, {}});
    CHECK(authority.answer(future)->response.edns()->dnssec_ok);
    // Without DO, none.
    auto plain = query("www.example.com");
    plain.set_edns({1232, 0, 0, false, {}});
    CHECK_FALSE(authority.answer(plain)->response.edns()->dnssec_ok);
}

TEST_CASE("ANY gets one RRset of the name, the first in zone order (RFC 8482 §4.1)", "[dns][authority]") {
    Authority authority(example());
    auto apex = authority.answer(query("example.com", dns_type::kAny));
    REQUIRE(apex);
    CHECK(apex->event == "dns.answer");
    CHECK(apex->response.header.authoritative);
    REQUIRE(apex->response.answers.size() == 1);
    CHECK(apex->response.answers[0].type == dns_type::kSoa);  // not the NS and MX as well
    // Both of www's A records: the RRset whole.
    auto www = authority.answer(query("www.example.com", dns_type::kAny))->response;
    REQUIRE(www.answers.size() == 2);
    CHECK(www.answers[0].type == dns_type::kA);
    CHECK(www.answers[1].type == dns_type::kA);
    // A CNAME is the name's only RRset, and is not followed.
    auto web = authority.answer(query("web.example.com", dns_type::kAny))->response;
    REQUIRE(web.answers.size() == 1);
    CHECK(web.answers[0].type == dns_type::kCname);
    // An empty non-terminal has none: NODATA.
    CHECK(authority.answer(query("_tcp.example.com", dns_type::kAny))->event == "dns.nodata");

    std::vector<Zone> zones;
    zones.push_back(zone("example.net",
                         "@ SOA ns h 1 1 1 1 1\nhost MX 10 mail\nhost A 10.0.0.1\nmail A 10.0.0.25\n"
                         "host TXT hello\nhost A 10.0.0.2"));
    Authority mixed(std::move(zones));
    auto host = mixed.answer(query("host.example.net", dns_type::kAny))->response;
    REQUIRE(host.answers.size() == 1);
    CHECK(host.answers[0].type == dns_type::kMx);
    REQUIRE(host.additionals.size() == 1);  // the MX's address, as for a question for MX
    CHECK(std::get<Ipv4Address>(host.additionals[0].data) == ip("10.0.0.25"));
}

TEST_CASE("Types that name no data: 0, OPT, TSIG and unassigned meta-types get FORMERR, TKEY, MAILA and MAILB NOTIMP",
          "[dns][authority]") {
    Authority authority(example());
    for (std::uint16_t type : {0, 41, 128, 200, 248, 250}) {
        INFO("type " << type);
        auto refused = authority.answer(query("www.example.com", type));
        REQUIRE(refused);
        CHECK(refused->event == "dns.formerr");
        CHECK(refused->response.header.rcode == dns_rcode::kFormErr);
        CHECK(refused->response.answers.empty());
        CHECK(refused->response.authorities.empty());  // no SOA: this is no NODATA
        CHECK(refused->response.questions.size() == 1);
    }
    for (std::uint16_t type : {dns_type::kTkey, dns_type::kMailb, dns_type::kMaila}) {
        INFO("type " << type);
        auto refused = authority.answer(query("www.example.com", type));
        CHECK(refused->event == "dns.notimp");
        CHECK(refused->response.header.rcode == dns_rcode::kNotImp);
    }
    CHECK(authority.counters().formerr == 6);
    CHECK(authority.counters().notimp == 3);
    // Data types on either side of the range are asked as usual: NODATA.
    CHECK(authority.answer(query("www.example.com", 127))->event == "dns.nodata");
    CHECK(authority.answer(query("www.example.com", 256))->event == "dns.nodata");
}
