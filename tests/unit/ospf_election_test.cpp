// DR and BDR election on a broadcast network (RFC 2328 §9.4): each router runs it on what
// the others' Hellos declare, again and again as Hellos go round, until all agree; a DR is
// not pushed aside by a router of higher priority that arrives later; when the DR goes, the
// BDR takes over and a new BDR is chosen; priority 0 is never elected.
#include <catch2/catch.hpp>

#include <map>

#include "nodes/router/ospf_election.hpp"

using namespace emu;
using namespace emu::router;
using wire::Ipv4Address;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

// Routers on one LAN, each with what it declares in its Hellos; a round is every router
// electing on the others' declarations and declaring the result.
struct Lan {
    std::map<std::string, ElectionCandidate> routers;

    void add(const std::string& name, const char* router_id, const char* address, std::uint8_t priority) {
        routers[name] = ElectionCandidate{ip(router_id), ip(address), priority, {}, {}};
    }
    // Rounds until nothing changes (at most 10); how many it took.
    int settle() {
        for (int round = 1; round <= 10; ++round) {
            bool changed = false;
            auto before = routers;
            for (auto& [name, self] : routers) {
                std::vector<ElectionCandidate> others;
                for (const auto& [other, candidate] : before) {
                    if (other != name) others.push_back(candidate);
                }
                auto result = elect_designated_routers(before.at(name), others);
                if (result.dr != self.declared_dr || result.bdr != self.declared_bdr) changed = true;
                self.declared_dr = result.dr;
                self.declared_bdr = result.bdr;
            }
            if (!changed) return round;
        }
        return -1;
    }
    bool all_agree(const char* dr, const char* bdr) const {
        for (const auto& [name, router] : routers) {
            if (router.declared_dr != ip(dr) || router.declared_bdr != ip(bdr)) return false;
        }
        return true;
    }
};

}  // namespace

TEST_CASE("routers that come up together agree on the highest priority, then router ID, as DR and the next as BDR",
          "[router][ospf][election]") {
    Lan lan;
    lan.add("a", "1.1.1.1", "10.0.0.1", 1);
    lan.add("b", "2.2.2.2", "10.0.0.2", 1);
    lan.add("c", "3.3.3.3", "10.0.0.3", 1);
    CHECK(lan.settle() > 0);
    CHECK(lan.all_agree("10.0.0.3", "10.0.0.2"));

    // The calculating router that would be both is run again with itself declared (step 4).
    auto alone = elect_designated_routers({ip("3.3.3.3"), ip("10.0.0.3"), 1, {}, {}},
                                          {{ip("1.1.1.1"), ip("10.0.0.1"), 1, {}, {}}});
    CHECK(alone == ElectionResult{ip("10.0.0.3"), ip("10.0.0.1")});

    Lan by_priority;
    by_priority.add("a", "1.1.1.1", "10.0.0.1", 10);
    by_priority.add("b", "2.2.2.2", "10.0.0.2", 1);
    by_priority.add("c", "3.3.3.3", "10.0.0.3", 5);
    CHECK(by_priority.settle() > 0);
    CHECK(by_priority.all_agree("10.0.0.1", "10.0.0.3"));
}

TEST_CASE("a DR stays DR when a router of higher priority arrives, and the BDR takes over when the DR goes",
          "[router][ospf][election]") {
    Lan lan;
    lan.add("a", "1.1.1.1", "10.0.0.1", 1);
    lan.add("b", "2.2.2.2", "10.0.0.2", 1);
    REQUIRE(lan.settle() > 0);
    REQUIRE(lan.all_agree("10.0.0.2", "10.0.0.1"));
    lan.add("d", "4.4.4.4", "10.0.0.4", 100);
    CHECK(lan.settle() > 0);
    CHECK(lan.all_agree("10.0.0.2", "10.0.0.1"));  // d is DROther, despite its priority

    lan.routers.erase("b");  // the DR's dead interval passes
    CHECK(lan.settle() > 0);
    CHECK(lan.all_agree("10.0.0.1", "10.0.0.4"));  // the BDR is DR; the best of the rest BDR
}

TEST_CASE("priority 0 is never DR or BDR, and a network of such routers has neither", "[router][ospf][election]") {
    Lan lan;
    lan.add("a", "1.1.1.1", "10.0.0.1", 0);
    lan.add("b", "2.2.2.2", "10.0.0.2", 0);
    CHECK(lan.settle() > 0);
    CHECK(lan.all_agree("0.0.0.0", "0.0.0.0"));
    lan.add("c", "3.3.3.3", "10.0.0.3", 1);
    CHECK(lan.settle() > 0);
    // One eligible router is DR; there is no one to be its backup.
    CHECK(lan.all_agree("10.0.0.3", "0.0.0.0"));
}
