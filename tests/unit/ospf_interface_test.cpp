// The Hello protocol on simulated links and LANs (RFC 2328 §9, §10.5), on a fake clock:
// neighbours go Init then 2-Way when they hear each other; a LAN waits RouterDeadInterval,
// then elects its DR and BDR, and only adjacencies with those begin (ExStart); a Hello whose
// intervals or mask differ is refused and said why; a silent neighbour is gone after the
// dead interval, and the election is run again.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <set>

#include "nodes/router/ospf_interface.hpp"

using namespace emu;
using namespace emu::router;
using namespace std::chrono_literals;
using wire::Ipv4Address;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
const OspfInterface::Time kStart = OspfInterface::Time{} + 1000s;

// Interfaces of several routers on one network; what each sends reaches all the others.
struct Network {
    struct Member {
        Ipv4Address router_id;
        std::unique_ptr<OspfInterface> interface;
    };
    std::map<std::string, Member> members;
    OspfInterface::Time now = kStart;
    std::vector<OspfInterfaceEvent> log;

    void add(const std::string& name, const char* router_id, const char* address, OspfNetworkType type,
             std::uint8_t priority = 1, std::uint16_t hello = 1, std::uint32_t dead = 4) {
        OspfInterfaceConfig config;
        config.name = name;
        config.address = *wire::Ipv4Prefix::parse(std::string(address) + "/24");
        config.type = type;
        config.priority = priority;
        config.hello_interval = hello;
        config.dead_interval = dead;
        members[name] = {ip(router_id), std::make_unique<OspfInterface>(config, ip(router_id))};
        members[name].interface->up(now);
    }
    // Runs every interface until `until`, delivering each Hello to the others at once (and
    // the Hellos sent in answer, until none is left, before the clock moves on).
    void run_until(OspfInterface::Time until, const std::set<std::string>& silent = {}) {
        for (;;) {
            auto next = OspfInterface::Time::max();
            for (auto& [name, member] : members) next = std::min(next, member.interface->next_deadline());
            if (next > until) {
                now = std::max(now, until);
                return;
            }
            now = std::max(now, next);
            for (auto& [name, member] : members) member.interface->advance(now);
            // Answers to answers would never end: a few rounds are all a first contact may take.
            int rounds = 0;
            for (bool sent = true; sent;) {
                REQUIRE(++rounds <= 4);
                sent = false;
                for (auto& [name, member] : members) {
                    for (const auto& hello : member.interface->take_hellos()) {
                        if (silent.contains(name)) continue;
                        sent = true;
                        for (auto& [other, receiver] : members) {
                            if (other == name) continue;
                            receiver.interface->receive_hello(member.interface->config().address.address,
                                                              member.router_id, hello, now);
                        }
                    }
                }
            }
            for (auto& [name, member] : members) {
                for (auto& event : member.interface->take_events()) log.push_back(std::move(event));
            }
        }
    }
    OspfNeighbourState state_of(const std::string& at, const char* neighbour) {
        const auto& neighbours = members.at(at).interface->neighbours();
        auto it = neighbours.find(ip(neighbour));
        return it == neighbours.end() ? OspfNeighbourState::down : it->second.state;
    }
    bool logged(const std::string& name, const std::string& text) const {
        for (const auto& event : log) {
            if (event.name == name && event.text.find(text) != std::string::npos) return true;
        }
        return false;
    }
};

}  // namespace

TEST_CASE("on a point-to-point link both ends hear each other and begin an adjacency at once", "[router][ospf][hello]") {
    Network link;
    link.add("a", "1.1.1.1", "10.0.12.1", OspfNetworkType::point_to_point);
    link.add("b", "2.2.2.2", "10.0.12.2", OspfNetworkType::point_to_point);
    CHECK(link.members["a"].interface->state() == OspfInterfaceState::point_to_point);
    link.run_until(kStart + 1500ms);
    // a's first Hello lists nobody (Init at b); b answers at once listing a (2-Way at a), and
    // a, having just heard b, answers listing b.
    CHECK(link.state_of("a", "2.2.2.2") == OspfNeighbourState::exstart);
    CHECK(link.state_of("b", "1.1.1.1") == OspfNeighbourState::exstart);
    CHECK(link.logged("ospf.neighbor_state", "2.2.2.2 a Init -> 2-Way"));
    CHECK(link.members["a"].interface->dr() == Ipv4Address{});  // no DR on a point-to-point link
}

TEST_CASE("a router answers a neighbour it has just heard at once, so a link is 2-Way in one round trip",
          "[router][ospf][hello]") {
    Network link;
    link.add("a", "1.1.1.1", "10.0.12.1", OspfNetworkType::point_to_point, 1, 10, 40);
    link.add("b", "2.2.2.2", "10.0.12.2", OspfNetworkType::point_to_point, 1, 10, 40);
    link.run_until(kStart);  // the first Hellos, and the answers to them; no HelloInterval passes
    CHECK(link.state_of("a", "2.2.2.2") == OspfNeighbourState::exstart);
    CHECK(link.state_of("b", "1.1.1.1") == OspfNeighbourState::exstart);

    // A third router heard later is answered too; those who already hear each other are not.
    link.add("c", "3.3.3.3", "10.0.12.3", OspfNetworkType::point_to_point, 1, 10, 40);
    link.run_until(link.now);
    CHECK(link.state_of("a", "3.3.3.3") >= OspfNeighbourState::two_way);
    CHECK(link.state_of("c", "1.1.1.1") >= OspfNeighbourState::two_way);
    link.members["a"].interface->take_hellos();
    link.members["b"].interface->receive_hello(ip("10.0.12.1"), ip("1.1.1.1"), [&] {
        wire::OspfHello hello;
        hello.network_mask = wire::ipv4_mask(24);
        hello.hello_interval = 10;
        hello.dead_interval = 40;
        hello.options = wire::ospf_option::kExternal;
        hello.priority = 1;
        hello.neighbors = {ip("2.2.2.2"), ip("3.3.3.3")};
        return hello;
    }(), link.now);
    CHECK(link.members["b"].interface->next_deadline() > link.now);
}

TEST_CASE("a LAN waits the dead interval, elects DR and BDR, and forms adjacencies only with them",
          "[router][ospf][hello][election]") {
    Network lan;
    lan.add("a", "1.1.1.1", "10.0.0.1", OspfNetworkType::broadcast);
    lan.add("b", "2.2.2.2", "10.0.0.2", OspfNetworkType::broadcast);
    lan.add("c", "3.3.3.3", "10.0.0.3", OspfNetworkType::broadcast);
    lan.run_until(kStart + 3s);
    // Everyone hears everyone, but nobody elects before RouterDeadInterval (4 s) has passed.
    CHECK(lan.state_of("a", "3.3.3.3") == OspfNeighbourState::two_way);
    CHECK(lan.members["a"].interface->state() == OspfInterfaceState::waiting);
    CHECK(lan.members["a"].interface->dr() == Ipv4Address{});
    lan.run_until(kStart + 6s);
    for (auto& [name, member] : lan.members) {
        INFO(name);
        CHECK(member.interface->dr() == ip("10.0.0.3"));
        CHECK(member.interface->bdr() == ip("10.0.0.2"));
    }
    CHECK(lan.members["c"].interface->state() == OspfInterfaceState::dr);
    CHECK(lan.members["b"].interface->state() == OspfInterfaceState::backup);
    CHECK(lan.members["a"].interface->state() == OspfInterfaceState::dr_other);
    // A DROther begins adjacencies with the DR and the BDR (here both of the others); between
    // two DROthers it stays 2-Way, as the next router shows.
    CHECK(lan.state_of("a", "3.3.3.3") == OspfNeighbourState::exstart);
    CHECK(lan.state_of("a", "2.2.2.2") == OspfNeighbourState::exstart);
    CHECK(lan.logged("ospf.dr_elected", "c dr=10.0.0.3 bdr=10.0.0.2 (we are DR)"));

    // A fourth router, DROther, with a and the others: 2-Way with a, adjacent with b and c.
    lan.add("d", "4.4.4.4", "10.0.0.4", OspfNetworkType::broadcast, 100);
    lan.run_until(kStart + 12s);
    CHECK(lan.members["d"].interface->dr() == ip("10.0.0.3"));  // its priority 100 takes nothing over
    CHECK(lan.members["d"].interface->state() == OspfInterfaceState::dr_other);
    CHECK(lan.state_of("d", "1.1.1.1") == OspfNeighbourState::two_way);
    CHECK(lan.state_of("a", "4.4.4.4") == OspfNeighbourState::two_way);
    CHECK(lan.state_of("d", "3.3.3.3") == OspfNeighbourState::exstart);

    // The DR falls silent: after the dead interval it is gone, the BDR takes over, and d
    // (priority 100) becomes BDR.
    lan.run_until(kStart + 20s, {"c"});
    CHECK(lan.state_of("a", "3.3.3.3") == OspfNeighbourState::down);
    CHECK(lan.logged("ospf.neighbor_down", "3.3.3.3 a (dead interval passed)"));
    CHECK(lan.members["a"].interface->dr() == ip("10.0.0.2"));
    CHECK(lan.members["a"].interface->bdr() == ip("10.0.0.4"));
    CHECK(lan.members["b"].interface->state() == OspfInterfaceState::dr);
}

TEST_CASE("a router that arrives on a LAN with a DR stops waiting as soon as it hears the BDR", "[router][ospf][hello]") {
    Network lan;
    lan.add("a", "1.1.1.1", "10.0.0.1", OspfNetworkType::broadcast);
    lan.add("b", "2.2.2.2", "10.0.0.2", OspfNetworkType::broadcast);
    lan.run_until(kStart + 6s);
    REQUIRE(lan.members["a"].interface->bdr() == ip("10.0.0.1"));
    lan.add("c", "3.3.3.3", "10.0.0.3", OspfNetworkType::broadcast, 50);
    lan.run_until(kStart + 8s);  // well within its 4 s wait
    CHECK(lan.logged("ospf.backup_seen", "c from"));
    CHECK(lan.members["c"].interface->state() == OspfInterfaceState::dr_other);
    CHECK(lan.members["c"].interface->dr() == ip("10.0.0.2"));
}

TEST_CASE("Hellos whose intervals or mask differ are refused and say why, and a priority-0 router never waits",
          "[router][ospf][hello]") {
    Network lan;
    lan.add("a", "1.1.1.1", "10.0.0.1", OspfNetworkType::broadcast);
    lan.add("b", "2.2.2.2", "10.0.0.2", OspfNetworkType::broadcast, 1, 2, 8);
    lan.run_until(kStart + 3s);
    CHECK(lan.state_of("a", "2.2.2.2") == OspfNeighbourState::down);
    CHECK(lan.logged("ospf.hello_refused", "from 2.2.2.2 (10.0.0.2) on a: HelloInterval 2, ours 1"));
    CHECK(lan.logged("ospf.hello_refused", "from 1.1.1.1 (10.0.0.1) on b: HelloInterval 1, ours 2"));

    OspfInterfaceConfig config;
    config.name = "eth0";
    config.address = *wire::Ipv4Prefix::parse("10.0.0.1/24");
    OspfInterface a(config, ip("1.1.1.1"));
    a.up(kStart);
    wire::OspfHello hello;
    hello.network_mask = wire::ipv4_mask(16);
    a.receive_hello(ip("10.0.0.9"), ip("9.9.9.9"), hello, kStart);
    auto events = a.take_events();
    REQUIRE_FALSE(events.empty());
    CHECK(events.back().text == "from 9.9.9.9 (10.0.0.9) on eth0: network mask 255.255.0.0, ours 255.255.255.0");
    CHECK(a.neighbours().empty());

    config.priority = 0;
    OspfInterface ineligible(config, ip("1.1.1.1"));
    ineligible.up(kStart);
    CHECK(ineligible.state() == OspfInterfaceState::dr_other);
}
