// The database exchange between two routers (RFC 2328 §10.6–§10.9), packet by packet in
// memory on a fake clock: the higher router ID is master, each side learns what the other
// has newer or alone, asks for it, and is Full once it has arrived; big databases take
// several packets; FRR's own first packet makes us slave or is outranked; repeats are
// answered, mismatches restart, a larger MTU is refused, losses are resent.
#include <catch2/catch.hpp>

#include "lib/wire/frame.hpp"
#include "nodes/router/ospf_exchange.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu;
using namespace emu::router;
using namespace std::chrono_literals;
using wire::Ipv4Address;
using Outcome = DatabaseExchange::Outcome;
using Phase = DatabaseExchange::Phase;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
const DatabaseExchange::Time kStart = DatabaseExchange::Time{} + 100s;

wire::Lsa router_lsa(Ipv4Address router, std::uint32_t sequence) {
    wire::Lsa lsa;
    lsa.header.type = wire::lsa_type::kRouter;
    lsa.header.link_state_id = lsa.header.advertising_router = router;
    lsa.header.sequence = sequence;
    lsa.body = wire::RouterLsa{};
    wire::seal_lsa(lsa);
    return lsa;
}

DatabaseExchange::Settings settings(const char* own, const char* neighbour, std::uint16_t mtu = 1500) {
    return {ip(own), ip(neighbour), mtu, std::chrono::seconds(5)};
}

// Two ends of one adjacency, each with its own LSDB; packets go across at once, requests
// are answered from the other's LSDB.
struct Pair {
    Lsdb lsdb_a, lsdb_b;
    std::optional<DatabaseExchange> a, b;
    std::vector<Outcome> outcomes_a, outcomes_b;

    void start(DatabaseExchange::Time now, std::uint32_t sequence_a = 1000, std::uint32_t sequence_b = 5000) {
        a.emplace(settings("1.1.1.1", "2.2.2.2"), sequence_a, now);
        b.emplace(settings("2.2.2.2", "1.1.1.1"), sequence_b, now);
    }
    // Delivers everything either side has to send until both are quiet; how many DBDs crossed.
    int shuttle(DatabaseExchange::Time now) {
        int crossed = 0;
        for (int guard = 0; guard < 1000; ++guard) {
            bool moved = false;
            for (auto [from, to, to_lsdb, from_lsdb, outcomes] :
                 {std::tuple{&*a, &*b, &lsdb_b, &lsdb_a, &outcomes_b}, std::tuple{&*b, &*a, &lsdb_a, &lsdb_b, &outcomes_a}}) {
                for (const auto& packet : from->take_descriptions()) {
                    outcomes->push_back(to->receive(packet, *to_lsdb, now));
                    ++crossed;
                    moved = true;
                }
                // The receiver of a request answers from its LSDB; the asker installs and notes it.
                for (const auto& request : from->take_requests()) {
                    for (const auto& asked : request.requests) {
                        const auto* entry = to_lsdb->find({static_cast<std::uint8_t>(asked.type), asked.link_state_id,
                                                           asked.advertising_router});
                        REQUIRE(entry);
                        auto lsa = to_lsdb->current(*entry, now);
                        from_lsdb->install(lsa, now);
                        auto outcome = from->lsa_arrived(lsa.header, now);
                        if (outcome != Outcome::none) (from == &*a ? outcomes_a : outcomes_b).push_back(outcome);
                    }
                    moved = true;
                }
            }
            if (!moved) return crossed;
        }
        FAIL("the exchange never went quiet");
        return crossed;
    }
};

bool saw(const std::vector<Outcome>& outcomes, Outcome wanted) {
    return std::find(outcomes.begin(), outcomes.end(), wanted) != outcomes.end();
}

}  // namespace

TEST_CASE("two routers agree that the higher ID is master, swap summaries, ask for what they lack and are Full",
          "[router][ospf][exchange]") {
    Pair pair;
    // a has x (older) and y; b has x (newer) and z.
    pair.lsdb_a.install(router_lsa(ip("9.0.0.1"), 0x80000001), kStart);
    pair.lsdb_a.install(router_lsa(ip("9.0.0.2"), 0x80000001), kStart);
    pair.lsdb_b.install(router_lsa(ip("9.0.0.1"), 0x80000005), kStart);
    pair.lsdb_b.install(router_lsa(ip("9.0.0.3"), 0x80000001), kStart);
    pair.start(kStart);
    pair.shuttle(kStart);
    CHECK(pair.b->is_master());
    CHECK_FALSE(pair.a->is_master());
    CHECK(saw(pair.outcomes_a, Outcome::negotiation_done));
    CHECK(saw(pair.outcomes_b, Outcome::negotiation_done));
    CHECK(pair.a->phase() == Phase::full);
    CHECK(pair.b->phase() == Phase::full);
    // Both now hold the newest of everything.
    for (auto* lsdb : {&pair.lsdb_a, &pair.lsdb_b}) {
        CHECK(lsdb->size() == 3);
        CHECK(lsdb->find({wire::lsa_type::kRouter, ip("9.0.0.1"), ip("9.0.0.1")})->lsa.header.sequence == 0x80000005);
    }
}

TEST_CASE("a database bigger than one packet goes in several, with the M bit, and is all asked for",
          "[router][ospf][exchange]") {
    Pair pair;
    for (std::uint32_t i = 1; i <= 200; ++i) pair.lsdb_b.install(router_lsa(Ipv4Address{0x0a000000 + i}, 0x80000001), kStart);
    pair.start(kStart);
    const int crossed = pair.shuttle(kStart);
    CHECK(crossed >= 2 + 3 * 2);  // the two claims, then at least three packets each way (72 headers a packet)
    CHECK(pair.a->phase() == Phase::full);
    CHECK(pair.lsdb_a.size() == 200);
}

TEST_CASE("FRR's first Database Description makes a lower router slave, echoing its sequence number, and is "
          "outranked by a higher one",
          "[router][ospf][exchange][golden]") {
    auto frame = test::golden_frame("ospf_frr_dbd_first");
    auto decoded = wire::decode_frame(frame);
    REQUIRE(decoded);
    auto packet = wire::parse_ospf(decoded->ipv4->payload);
    REQUIRE(packet);
    const auto& theirs = std::get<wire::OspfDatabaseDescription>(packet->body);
    REQUIRE(packet->router_id == ip("10.99.255.1"));
    Lsdb lsdb;
    lsdb.install(router_lsa(ip("10.99.255.0"), 0x80000001), kStart);

    DatabaseExchange lower(settings("10.99.255.0", "10.99.255.1"), 77, kStart);
    lower.take_descriptions();
    CHECK(lower.receive(theirs, lsdb, kStart) == Outcome::negotiation_done);
    CHECK_FALSE(lower.is_master());
    auto answer = lower.take_descriptions();
    REQUIRE(answer.size() == 1);
    CHECK(answer[0].sequence == theirs.sequence);
    CHECK(answer[0].flags == 0);  // not I, not MS, and one header fits: not M either
    REQUIRE(answer[0].lsa_headers.size() == 1);

    DatabaseExchange higher(settings("10.99.255.2", "10.99.255.1"), 77, kStart);
    CHECK(higher.receive(theirs, lsdb, kStart) == Outcome::none);
    CHECK(higher.phase() == Phase::exstart);
    CHECK(higher.is_master());
}

TEST_CASE("repeats are answered, a wrong sequence number or role restarts the exchange, a larger MTU is refused",
          "[router][ospf][exchange]") {
    Lsdb lsdb;
    DatabaseExchange slave(settings("1.1.1.1", "2.2.2.2"), 10, kStart);
    slave.take_descriptions();
    wire::OspfDatabaseDescription claim;
    claim.flags = wire::OspfDatabaseDescription::kInit | wire::OspfDatabaseDescription::kMore |
                  wire::OspfDatabaseDescription::kMaster;
    claim.sequence = 500;
    REQUIRE(slave.receive(claim, lsdb, kStart) == Outcome::negotiation_done);
    auto first_answer = slave.take_descriptions();
    // The same packet again: the slave sends its last answer again.
    CHECK(slave.receive(claim, lsdb, kStart) == Outcome::none);
    CHECK(slave.take_descriptions() == first_answer);
    // The master's next must be 501; 503 is a mismatch.
    wire::OspfDatabaseDescription skipped;
    skipped.flags = wire::OspfDatabaseDescription::kMaster;
    skipped.sequence = 503;
    CHECK(slave.receive(skipped, lsdb, kStart) == Outcome::restart);
    CHECK(slave.reason() == "sequence number 503, expected 501");
    wire::OspfDatabaseDescription no_master_bit;
    no_master_bit.sequence = 501;
    CHECK(slave.receive(no_master_bit, lsdb, kStart) == Outcome::restart);
    CHECK(slave.reason() == "the neighbour claims to be slave as well");

    DatabaseExchange small(settings("1.1.1.1", "2.2.2.2", 1400), 10, kStart);
    claim.interface_mtu = 1500;
    CHECK(small.receive(claim, lsdb, kStart) == Outcome::refused);
    CHECK(small.reason() == "its interface MTU 1500 is larger than ours, 1400");
    CHECK(small.phase() == Phase::exstart);
}

TEST_CASE("an unanswered claim, DBD or request is sent again every RxmtInterval", "[router][ospf][exchange]") {
    Pair pair;
    pair.lsdb_b.install(router_lsa(ip("9.0.0.3"), 0x80000001), kStart);
    pair.start(kStart);
    // Both claims are lost.
    pair.a->take_descriptions();
    pair.b->take_descriptions();
    CHECK(pair.a->next_deadline() == kStart + 5s);
    pair.a->advance(kStart + 5s);
    pair.b->advance(kStart + 5s);
    CHECK(pair.a->take_descriptions().size() == 1);
    // Now everything goes through, except that a's request is lost once.
    auto later = kStart + 5s;
    auto b_claim = pair.b->take_descriptions();
    REQUIRE(b_claim.size() == 1);
    CHECK(pair.a->receive(b_claim[0], pair.lsdb_a, later) == Outcome::negotiation_done);
    for (const auto& packet : pair.a->take_descriptions()) pair.b->receive(packet, pair.lsdb_b, later);
    for (const auto& packet : pair.b->take_descriptions()) pair.a->receive(packet, pair.lsdb_a, later);
    for (const auto& packet : pair.a->take_descriptions()) pair.b->receive(packet, pair.lsdb_b, later);
    CHECK(pair.a->requests_outstanding() == 1);
    auto lost = pair.a->take_requests();
    REQUIRE(lost.size() == 1);
    CHECK(pair.a->next_deadline() == later + 5s);
    pair.a->advance(later + 5s);
    auto again = pair.a->take_requests();
    REQUIRE(again.size() == 1);
    CHECK(again[0] == lost[0]);
}

// A neighbour in 2-Way drops DBDs (§10.6), so a claim sent while it was still waiting (a LAN's
// WaitTimer, its election) is lost; its own claim says it has reached ExStart. The master
// answers that claim with its own at once instead of leaving the exchange to RxmtInterval.
TEST_CASE("a master in ExStart answers the lower neighbour's first claim with its own at once",
          "[router][ospf][exchange]") {
    Lsdb lsdb;
    DatabaseExchange higher(settings("2.2.2.2", "1.1.1.1"), 77, kStart);
    auto lost = higher.take_descriptions();  // sent while the neighbour was in 2-Way
    REQUIRE(lost.size() == 1);
    wire::OspfDatabaseDescription theirs;
    theirs.flags = wire::OspfDatabaseDescription::kInit | wire::OspfDatabaseDescription::kMore |
                   wire::OspfDatabaseDescription::kMaster;
    theirs.sequence = 500;
    const auto later = kStart + 2s;
    CHECK(higher.receive(theirs, lsdb, later) == Outcome::none);
    CHECK(higher.phase() == Phase::exstart);
    auto again = higher.take_descriptions();
    REQUIRE(again.size() == 1);
    CHECK(again[0] == lost[0]);
    CHECK(higher.next_deadline() == later + 5s);

    // Its echo of our sequence number then makes us master without any wait.
    wire::OspfDatabaseDescription echo;
    echo.flags = wire::OspfDatabaseDescription::kMore;
    echo.sequence = 77;
    CHECK(higher.receive(echo, lsdb, later) == Outcome::negotiation_done);
    CHECK(higher.is_master());
}
