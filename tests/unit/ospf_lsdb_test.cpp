// OSPF's link-state database: which of two instances is newer (RFC 2328 §13.1), ages that
// grow by the second from what an LSA came with (§14), what counts as a change that calls
// for a new routing table (§13.2), and the database summary a DBD exchange sends (§10.3).
#include <catch2/catch.hpp>

#include "nodes/router/ospf_lsdb.hpp"

using namespace emu;
using namespace emu::router;
using namespace std::chrono_literals;
using wire::Ipv4Address;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
const Lsdb::Time kStart = Lsdb::Time{} + 5000s;

wire::Lsa router_lsa(const char* router, std::uint32_t sequence, std::uint16_t metric, std::uint16_t age = 0) {
    wire::Lsa lsa;
    lsa.header.type = wire::lsa_type::kRouter;
    lsa.header.link_state_id = lsa.header.advertising_router = ip(router);
    lsa.header.sequence = sequence;
    lsa.header.age = age;
    wire::RouterLsa body;
    body.links.push_back({ip("10.0.1.0"), wire::ipv4_mask(24), wire::RouterLink::kStub, metric, {}});
    lsa.body = body;
    wire::seal_lsa(lsa);
    return lsa;
}

}  // namespace

TEST_CASE("the newer of two instances: sequence number, then checksum, then MaxAge, then age", "[router][ospf][lsdb]") {
    auto a = router_lsa("1.1.1.1", 0x80000002, 10).header;
    auto b = router_lsa("1.1.1.1", 0x80000001, 10).header;
    CHECK(compare_instances(a, b) > 0);
    CHECK(compare_instances(b, a) < 0);
    // Signed: 0x80000001 is the lowest, 0x00000001 far above it.
    auto positive = router_lsa("1.1.1.1", 0x00000001, 10).header;
    CHECK(compare_instances(positive, a) > 0);
    // Same sequence number, different contents: the larger checksum wins.
    auto c = router_lsa("1.1.1.1", 0x80000002, 20).header;
    REQUIRE(c.checksum != a.checksum);
    CHECK((compare_instances(a, c) > 0) == (a.checksum > c.checksum));
    // Same sequence and checksum: MaxAge is newer (it is a flush); then a difference in age
    // of more than 15 minutes makes the younger newer; less is the same instance.
    auto flushed = a;
    flushed.age = Lsdb::kMaxAge;
    CHECK(compare_instances(flushed, a) > 0);
    auto old = a;
    old.age = 1000;
    CHECK(compare_instances(a, old) > 0);
    old.age = 800;
    CHECK(compare_instances(a, old) == 0);
}

TEST_CASE("an LSA ages a second a second from the age it came with, up to MaxAge", "[router][ospf][lsdb]") {
    Lsdb lsdb;
    CHECK(lsdb.install(router_lsa("1.1.1.1", 0x80000001, 10, 100), kStart));
    const auto* entry = lsdb.find({wire::lsa_type::kRouter, ip("1.1.1.1"), ip("1.1.1.1")});
    REQUIRE(entry);
    CHECK(lsdb.age(*entry, kStart) == 100);
    CHECK(lsdb.age(*entry, kStart + 1500ms) == 101);
    CHECK(lsdb.current(*entry, kStart + 60s).header.age == 160);
    CHECK(lsdb.age(*entry, kStart + 10000s) == Lsdb::kMaxAge);
    CHECK(lsdb.next_max_age(kStart) == kStart + 3500s);
    CHECK_FALSE(lsdb.next_max_age(kStart + 3500s).has_value());
    CHECK(lsdb.headers(kStart + 10s).front().age == 110);
}

TEST_CASE("only a change in what an LSA says calls for a new routing table", "[router][ospf][lsdb]") {
    Lsdb lsdb;
    CHECK(lsdb.install(router_lsa("1.1.1.1", 0x80000001, 10), kStart));
    // A refresh (§12.4: same contents, next sequence number) changes nothing for SPF.
    CHECK_FALSE(lsdb.install(router_lsa("1.1.1.1", 0x80000002, 10), kStart + 1s));
    CHECK(lsdb.install(router_lsa("1.1.1.1", 0x80000003, 20), kStart + 2s));
    // Reaching MaxAge (a flush) does.
    CHECK(lsdb.install(router_lsa("1.1.1.1", 0x80000003, 20, Lsdb::kMaxAge), kStart + 3s));
    CHECK(lsdb.install(router_lsa("2.2.2.2", 0x80000001, 10), kStart + 3s));
    CHECK(lsdb.size() == 2);
    auto snapshot = lsdb.snapshot(kStart + 3s);
    REQUIRE(snapshot.size() == 2);
    CHECK(snapshot[0].header.advertising_router == ip("1.1.1.1"));  // in key order
    lsdb.remove(key_of(snapshot[0].header));
    CHECK(lsdb.size() == 1);
}
