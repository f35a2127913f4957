// The master file format (RFC 1035 §5.1) as emu reads zones: a realistic zone file, every
// shortcut the format allows, and each mistake reported at its line and column.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "lib/wire/dns_zone.hpp"

using namespace emu::wire;

namespace {

DnsName name(const char* text) { return *DnsName::parse(text); }

std::string problem(const std::string& text) {
    auto parsed = parse_zone_text(text, name("example.com"));
    if (parsed) return "accepted";
    return std::to_string(parsed.error().line) + ":" + std::to_string(parsed.error().column) + ": " +
           parsed.error().message;
}

}  // namespace

TEST_CASE("A zone file: $ORIGIN, $TTL, @, relative names, blank owners, parentheses, comments",
          "[wire][dns][zone]") {
    auto records = parse_zone_text(R"(; the zone of example.com
$ORIGIN example.com.
$TTL 1h
@   IN  SOA ns1 hostmaster (
            2026112501 ; serial
            2h 15m 1w 5m )
    IN  NS  ns1
    IN  MX  10 mail
ns1     A   10.0.2.53
www 300 A   10.0.2.80
        AAAA 2001:db8::80
web     IN 60 CNAME www
mail    A   10.0.2.25
@       TXT "v=spf1 -all" "two words" plain
_http._tcp SRV 0 5 80 www.example.com.
sub     NS  ns.sub
ns.sub  A   10.0.3.53
odd     TYPE99 \# 3 abcdef
)",
                                   name("."));
    if (!records) FAIL(records.error().line << ":" << records.error().column << ": " << records.error().message);
    REQUIRE(records->size() == 13);
    const auto& soa = (*records)[0];
    CHECK(soa.name == name("example.com"));
    CHECK(soa.ttl == 3600);
    CHECK(std::get<DnsSoa>(soa.data) ==
          DnsSoa{name("ns1.example.com"), name("hostmaster.example.com"), 2026112501, 7200, 900, 604800, 300});
    CHECK((*records)[1].name == name("example.com"));  // a blank owner: the one before
    CHECK(std::get<DnsName>((*records)[1].data) == name("ns1.example.com"));
    CHECK(std::get<DnsMx>((*records)[2].data) == DnsMx{10, name("mail.example.com")});
    CHECK((*records)[4].ttl == 300);
    CHECK((*records)[5].name == name("www.example.com"));
    CHECK((*records)[5].type == dns_type::kAaaa);
    CHECK((*records)[5].ttl == 3600);  // the $TTL, not the previous record's
    CHECK((*records)[6].ttl == 60);    // class and TTL in either order
    CHECK(std::get<DnsName>((*records)[6].data) == name("www.example.com"));
    CHECK(std::get<DnsText>((*records)[8].data).strings == std::vector<std::string>{"v=spf1 -all", "two words", "plain"});
    CHECK(std::get<DnsSrv>((*records)[9].data) == DnsSrv{0, 5, 80, name("www.example.com")});
    CHECK((*records)[11].name == name("ns.sub.example.com"));
    CHECK((*records)[12].type == 99);
    CHECK(std::get<std::vector<std::uint8_t>>((*records)[12].data) == std::vector<std::uint8_t>{0xab, 0xcd, 0xef});
}

TEST_CASE("Each record written as a zone line reads back the same", "[wire][dns][zone]") {
    auto records = parse_zone_text(R"(@ SOA ns1 hostmaster 1 2h 15m 1w 5m
www A 10.0.2.80
www AAAA 2001:db8::80
t TXT "quote \" and backslash \\ and \007 bell"
m MX 5 mail.other.example.
s SRV 1 2 3 target
x TYPE1234 \# 2 0102
)",
                                   name("example.com"), 120);
    REQUIRE(records);
    std::string text;
    for (const auto& record : *records) text += zone_line(record) + "\n";
    CHECK(zone_line(records->at(1)) == "www.example.com. 120 IN A 10.0.2.80");
    auto again = parse_zone_text(text, name("."));
    REQUIRE(again);
    CHECK(*again == *records);
}

TEST_CASE("TTLs as numbers or with units", "[wire][dns][zone]") {
    CHECK(parse_zone_ttl("3600") == 3600u);
    CHECK(parse_zone_ttl("1h30m") == 5400u);
    CHECK(parse_zone_ttl("2D") == 172800u);
    CHECK(parse_zone_ttl("1w") == 604800u);
    CHECK(parse_zone_ttl("4294967295") == 4294967295u);
    CHECK_FALSE(parse_zone_ttl("4294967296"));
    CHECK_FALSE(parse_zone_ttl("1h30"));
    CHECK_FALSE(parse_zone_ttl("h"));
    CHECK_FALSE(parse_zone_ttl("10x"));
    CHECK_FALSE(parse_zone_ttl(""));
}

TEST_CASE("Mistakes in a zone are reported at their line and column", "[wire][dns][zone]") {
    CHECK(problem("www A 10.0.2.300") == "1:7: '10.0.2.300' is not an IPv4 address");
    CHECK(problem("www A") == "1:5: A data is one IPv4 address");
    CHECK(problem("www A 10.0.0.1 10.0.0.2") == "1:16: A data is one IPv4 address");
    CHECK(problem("www") == "1:1: the record has no type");
    CHECK(problem("www A 10.0.0.1\n  BOGUS x") == "2:3: 'BOGUS' is not a record type here (A, AAAA, NS, CNAME, PTR, MX, TXT, SRV, SOA, "
                                          "or TYPEnn with \\# data)");
    CHECK(problem("  A 10.0.0.1") == "1:3: the first record must name its owner at the start of its line");
    CHECK(problem("www CH A 10.0.0.1") == "1:5: only class IN is served");
    CHECK(problem("m MX 70000 mail") == "1:6: MX preference must be a number from 0 to 65535");
    CHECK(problem("t TXT \"no end") == "1:7: a quoted string without its closing quote");
    CHECK(problem("@ SOA ns1 host ( 1 2 3 4") == "1:16: a '(' without its ')'");
    CHECK(problem("www A 10.0.0.1 )") == "1:16: a ')' without its '('");
    CHECK(problem("$INCLUDE other.zone") == "1:1: $INCLUDE is not supported: put the records in this text");
    CHECK(problem("$TTL soon") == "1:6: 'soon' is not a TTL (3600, 1h, 1h30m, 2d …)");
    CHECK(problem("$WHAT x") == "1:1: unknown directive $WHAT (known: $ORIGIN, $TTL)");
    CHECK(problem("x TYPE99 \\# 3 abcd") == "1:13: \\# says 3 bytes, the hex holds 2");
    CHECK(problem("x NAPTR 1 2 3") == "1:3: 'NAPTR' is not a record type here (A, AAAA, NS, CNAME, PTR, MX, TXT, SRV, "
                                         "SOA, or TYPEnn with \\# data)");
    // No records of the types that name none (RFC 6895 §3.1): a zone answering TYPE0 or
    // AXFR questions with data.
    for (const char* type : {"TYPE0", "AXFR", "TYPE252", "OPT", "ANY", "TYPE200"}) {
        CHECK(problem(fmt::format("x {} \\# 0", type)) ==
              fmt::format("1:3: '{}' is not a record type here (A, AAAA, NS, CNAME, PTR, MX, TXT, SRV, SOA, or TYPEnn "
                          "with \\# data)",
                          type));
    }
    CHECK(problem("x TYPE35 1 2 3") == "1:3: TYPE35 needs its data as \\# LENGTH HEX (RFC 3597 §5)");
    CHECK(problem("a..b A 10.0.0.1").rfind("1:1: an empty label", 0) == 0);
    std::string long_label(63, 'x');
    CHECK(problem(long_label + "." + long_label + "." + long_label + "." + long_label + " A 10.0.0.1")
              .find("longer than 255 bytes") != std::string::npos);
    CHECK(problem("") == "accepted");
    CHECK(problem("; only a comment\n\n") == "accepted");
}
