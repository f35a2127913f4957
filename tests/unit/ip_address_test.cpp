#include <catch2/catch.hpp>

#include "lib/wire/ip_address.hpp"
#include "lib/wire/mac_address.hpp"

using emu::wire::IpAddress;
using emu::wire::IpPrefix;
using emu::wire::Ipv4Address;
using emu::wire::MacAddress;

TEST_CASE("IPv4 text parses to host order and prints back the same", "[wire][address]") {
    auto address = Ipv4Address::parse("10.0.1.254");
    REQUIRE(address);
    CHECK(address->value == 0x0a0001feu);
    CHECK(address->to_string() == "10.0.1.254");
}

TEST_CASE("malformed IPv4 text is refused", "[wire][address]") {
    for (const char* text : {"", "10.0.1", "10.0.1.256", "10.0.1.1.1", "010.0.1.1x", "a.b.c.d", " 10.0.0.1",
                             "10.0.0.1 ", "1.2.3.4/24"}) {
        INFO(text);
        CHECK_FALSE(Ipv4Address::parse(text));
    }
    CHECK_FALSE(Ipv4Address::parse(std::string(4096, '1')));
}

TEST_CASE("IPv6 text parses and prints in its canonical form", "[wire][address]") {
    auto address = IpAddress::parse("2001:DB8:0:0:0:0:0:1");
    REQUIRE(address);
    CHECK(address->is_v6());
    CHECK(address->to_string() == "2001:db8::1");
    CHECK(IpAddress::parse("fe80::1")->v6().is_link_local());
    CHECK_FALSE(IpAddress::parse("2001:db8:::1"));
    CHECK_FALSE(IpAddress::parse(":"));
}

TEST_CASE("a prefix needs its length, and the length must fit the family", "[wire][address]") {
    CHECK(IpPrefix::parse("10.0.1.10/24"));
    CHECK(IpPrefix::parse("2001:db8::1/64"));
    CHECK_FALSE(IpPrefix::parse("10.0.1.10"));
    CHECK_FALSE(IpPrefix::parse("10.0.1.10/33"));
    CHECK_FALSE(IpPrefix::parse("10.0.1.10/"));
    CHECK_FALSE(IpPrefix::parse("10.0.1.10/-1"));
    CHECK_FALSE(IpPrefix::parse("10.0.1.10/2x"));
    CHECK_FALSE(IpPrefix::parse("2001:db8::1/129"));
}

TEST_CASE("network, containment and broadcast follow the prefix length", "[wire][address]") {
    auto prefix = *IpPrefix::parse("10.0.1.10/24");
    CHECK(prefix.network().to_string() == "10.0.1.0/24");
    CHECK(prefix.contains(*IpAddress::parse("10.0.1.200")));
    CHECK_FALSE(prefix.contains(*IpAddress::parse("10.0.2.1")));
    CHECK_FALSE(prefix.contains(*IpAddress::parse("2001:db8::1")));
    CHECK(prefix.broadcast().to_string() == "10.0.1.255");
    CHECK(IpPrefix::parse("10.0.1.255/24")->is_broadcast_address());
    CHECK(IpPrefix::parse("10.0.1.0/24")->is_network_address());
    // RFC 3021: a /31 has no network or broadcast address to avoid.
    CHECK_FALSE(IpPrefix::parse("10.0.1.1/31")->is_broadcast_address());
    auto v6 = *IpPrefix::parse("2001:db8:1:2::99/60");
    CHECK(v6.network().to_string() == "2001:db8:1::/60");
    CHECK(IpPrefix::parse("0.0.0.0/0")->contains(*IpAddress::parse("192.0.2.1")));
}

TEST_CASE("MAC addresses parse from six hex octets only", "[wire][address]") {
    auto mac = MacAddress::parse("02:00:5E:10:00:01");
    REQUIRE(mac);
    CHECK(mac->to_string() == "02:00:5e:10:00:01");
    CHECK(mac->is_locally_administered());
    CHECK_FALSE(mac->is_multicast());
    CHECK(MacAddress::parse("01:00:5e:00:00:01")->is_multicast());
    for (const char* text : {"", "02:00:5e:10:00", "02:00:5e:10:00:0g", "02-00-5e-10-00-01", "02:00:5e:10:00:011"}) {
        INFO(text);
        CHECK_FALSE(MacAddress::parse(text));
    }
}
