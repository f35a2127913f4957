// OSPF-lite routers simulated together on a fake clock, every packet going through the real
// codec: adjacencies reach Full over point-to-point links and on a LAN with a DR, every
// router's LSDB ends up the same, SPF finds the costs and the equal-cost paths, a link cut
// at both ends reroutes, and the LSAs of a lost neighbour go.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>

#include "nodes/router/ospf_engine.hpp"

using namespace emu;
using namespace emu::router;
using namespace std::chrono_literals;
using wire::Ipv4Address;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
const OspfEngine::Time kStart = OspfEngine::Time{} + 1000s;

struct Attachment {
    std::string router;
    std::string interface;
    Ipv4Address address;
};

// Routers, and the networks (links and LANs) their interfaces are on. Each packet sent is
// written with the real codec, read back, and handed to every other interface on its
// network that it is addressed to (multicast: all of them).
struct Area {
    std::map<std::string, std::unique_ptr<OspfEngine>> routers;
    std::map<std::string, std::vector<Attachment>> networks;
    std::map<std::pair<std::string, std::string>, std::string> network_of;  ///< (router, interface) → network
    std::set<std::pair<std::string, std::string>> cut;  ///< interfaces whose link is down
    OspfEngine::Time now = kStart;
    std::vector<std::string> log;
    /// Packets this says to lose are lost.
    std::function<bool(const std::string& from, const OspfSend& send)> lose;
    std::map<std::string, OspfConfig> configs;

    void router(const std::string& name, const char* router_id,
                std::vector<std::tuple<std::string, std::string, const char*, OspfNetworkType, std::uint16_t>> interfaces) {
        OspfConfig config;
        config.router_id = ip(router_id);
        config.min_ls_interval = 0ms;
        config.min_ls_arrival = 0ms;
        for (auto [interface, network, address, type, cost] : interfaces) {
            OspfInterfaceConfig port;
            port.name = interface;
            port.address = *wire::Ipv4Prefix::parse(address);
            port.type = type;
            port.hello_interval = 1;
            port.dead_interval = 4;
            port.cost = cost;
            port.passive = network.empty();
            config.interfaces.push_back(port);
            if (!network.empty()) {
                networks[network].push_back({name, interface, port.address.address});
                network_of[{name, interface}] = network;
            }
        }
        configs[name] = config;
        start(name, 1000 * static_cast<std::uint32_t>(routers.size() + 1));
    }
    // (Re)starts a router's engine: a restarted router remembers nothing.
    void start(const std::string& name, std::uint32_t seed) {
        auto engine = std::make_unique<OspfEngine>(configs.at(name), seed);
        for (const auto& port : configs.at(name).interfaces) engine->interface_up(port.name, now);
        routers[name] = std::move(engine);
    }

    void deliver(const std::string& from, const OspfSend& send) {
        if (cut.contains({from, send.interface})) return;
        if (lose && lose(from, send)) return;
        auto network = network_of.find({from, send.interface});
        if (network == network_of.end()) return;
        std::vector<std::uint8_t> bytes;
        wire::Writer out(bytes);
        wire::write_ospf(out, send.packet);
        auto packet = wire::parse_ospf(bytes);
        REQUIRE(packet);
        Ipv4Address source;
        for (const auto& member : networks.at(network->second)) {
            if (member.router == from && member.interface == send.interface) source = member.address;
        }
        const bool multicast = send.destination == wire::OspfPacket::kAllSpfRouters ||
                               send.destination == wire::OspfPacket::kAllDesignatedRouters;
        for (const auto& member : networks.at(network->second)) {
            if (member.router == from || cut.contains({member.router, member.interface})) continue;
            if (!multicast && member.address != send.destination) continue;
            routers.at(member.router)->receive(member.interface, source, send.destination, *packet, now);
        }
    }

    void run_until(OspfEngine::Time until) {
        for (int steps = 0; steps < 100000; ++steps) {
            bool moved = false;
            for (auto& [name, router] : routers) {
                for (const auto& send : router->take_sends()) {
                    deliver(name, send);
                    moved = true;
                }
                for (const auto& event : router->take_events()) log.push_back(name + " " + event.name + " " + event.text);
            }
            if (moved) continue;
            auto next = until;
            for (auto& [name, router] : routers) next = std::min(next, router->next_deadline());
            if (next > until) next = until;
            now = std::max(now, next);
            for (auto& [name, router] : routers) router->advance(now);
            bool pending = false;
            for (auto& [name, router] : routers) pending = pending || router->next_deadline() <= now;
            if (now >= until && !pending) {
                // Drain what the last advance queued.
                bool more = false;
                for (auto& [name, router] : routers) {
                    for (const auto& send : router->take_sends()) {
                        deliver(name, send);
                        more = true;
                    }
                }
                if (!more) return;
            }
        }
        FAIL("the simulation did not settle");
    }

    const OspfRoute* route(const std::string& at, const char* destination) {
        for (const auto& route : routers.at(at)->routes()) {
            if (route.destination == *wire::Ipv4Prefix::parse(destination)) return &route;
        }
        return nullptr;
    }
    bool all_full(const std::string& at) {
        for (const auto* interface : routers.at(at)->interfaces()) {
            if (interface->config().passive) continue;
            for (const auto& [id, neighbour] : interface->neighbours()) {
                if (neighbour.state != OspfNeighbourState::full && neighbour.state != OspfNeighbourState::two_way) {
                    return false;
                }
            }
        }
        return true;
    }
};

constexpr auto kP2p = OspfNetworkType::point_to_point;
constexpr auto kLan = OspfNetworkType::broadcast;

std::set<OspfNextHop> via(std::vector<std::pair<const char*, const char*>> hops) {
    std::set<OspfNextHop> next_hops;
    for (auto [gateway, interface] : hops) next_hops.insert({ip(gateway), interface});
    return next_hops;
}

}  // namespace

TEST_CASE("three routers in a line become Full, agree on one database and route to each other's LANs",
          "[router][ospf][engine]") {
    Area area;
    area.router("r1", "1.1.1.1", {{"eth0", "", "10.0.1.1/24", kLan, 1}, {"eth1", "l12", "10.0.12.1/24", kP2p, 10}});
    area.router("r2", "2.2.2.2", {{"eth0", "l12", "10.0.12.2/24", kP2p, 10}, {"eth1", "l23", "10.0.23.2/24", kP2p, 10}});
    area.router("r3", "3.3.3.3", {{"eth0", "", "10.0.3.1/24", kLan, 1}, {"eth1", "l23", "10.0.23.3/24", kP2p, 10}});
    area.run_until(kStart + 5s);
    INFO([&] { std::string text; for (const auto& line : area.log) text += line + "\n"; return text; }());
    for (const auto* name : {"r1", "r2", "r3"}) {
        INFO(name);
        CHECK(area.all_full(name));
        CHECK(area.routers.at(name)->lsdb().size() == 3);  // three router-LSAs, alike everywhere
    }
    // The same instances everywhere (ages differ: each hop adds a second, §13.3).
    auto instances = [&](const char* name) {
        std::vector<std::tuple<LsaKey, std::uint32_t, std::uint16_t>> list;
        for (const auto& header : area.routers.at(name)->lsdb().headers(area.now)) {
            list.emplace_back(key_of(header), header.sequence, header.checksum);
        }
        return list;
    };
    CHECK(instances("r1") == instances("r3"));
    CHECK(instances("r1") == instances("r2"));
    const auto* far = area.route("r1", "10.0.3.0/24");
    REQUIRE(far);
    CHECK(far->cost == 10 + 10 + 1);
    CHECK(far->next_hops == via({{"10.0.12.2", "eth1"}}));
    CHECK(area.route("r3", "10.0.1.0/24")->next_hops == via({{"10.0.23.2", "eth1"}}));

    // Cut r2–r3 at both ends: r1 loses r3's LAN once the new LSAs have gone round.
    area.cut.insert({"r2", "eth1"});
    area.cut.insert({"r3", "eth1"});
    area.routers.at("r2")->interface_down("eth1", area.now);
    area.routers.at("r3")->interface_down("eth1", area.now);
    area.run_until(area.now + 2s);
    CHECK(area.route("r1", "10.0.3.0/24") == nullptr);
    CHECK(area.route("r1", "10.0.23.0/24") == nullptr);
}

TEST_CASE("on a LAN the routers elect a DR, which originates the network-LSA, and routes cross the LAN to the far "
          "router's own address",
          "[router][ospf][engine]") {
    Area area;
    area.router("r1", "1.1.1.1", {{"eth0", "lan", "10.0.0.1/24", kLan, 10}});
    area.router("r2", "2.2.2.2", {{"eth0", "lan", "10.0.0.2/24", kLan, 10}});
    area.router("r3", "3.3.3.3", {{"eth0", "lan", "10.0.0.3/24", kLan, 10}, {"eth1", "", "10.3.0.1/16", kLan, 1}});
    area.run_until(kStart + 10s);
    INFO([&] { std::string text; for (const auto& line : area.log) text += line + "\n"; return text; }());
    const auto* lan = area.routers.at("r1")->interfaces().front();
    CHECK(lan->dr() == ip("10.0.0.3"));
    CHECK(lan->bdr() == ip("10.0.0.2"));
    // r3 (DR) originated the network-LSA listing all three.
    const auto* network = area.routers.at("r1")->lsdb().find({wire::lsa_type::kNetwork, ip("10.0.0.3"), ip("3.3.3.3")});
    REQUIRE(network);
    CHECK(std::get<wire::NetworkLsa>(network->lsa.body).attached_routers.size() == 3);
    const auto* behind = area.route("r1", "10.3.0.0/16");
    REQUIRE(behind);
    CHECK(behind->cost == 11);
    CHECK(behind->next_hops == via({{"10.0.0.3", "eth0"}}));
    // Two DROthers stay 2-Way with each other: only r1–r3 and r2–r3, r1–r2 (BDR) are Full.
    CHECK(lan->neighbours().at(ip("2.2.2.2")).state == OspfNeighbourState::full);
    CHECK(area.routers.at("r2")->counters().spf_runs > 0);
}

TEST_CASE("a square gives two equal-cost paths, and one of them cut leaves the other", "[router][ospf][engine]") {
    Area area;
    area.router("r1", "1.1.1.1", {{"eth1", "l12", "10.0.12.1/24", kP2p, 10}, {"eth2", "l13", "10.0.13.1/24", kP2p, 10}});
    area.router("r2", "2.2.2.2", {{"eth0", "l12", "10.0.12.2/24", kP2p, 10}, {"eth1", "l24", "10.0.24.2/24", kP2p, 10}});
    area.router("r3", "3.3.3.3", {{"eth0", "l13", "10.0.13.3/24", kP2p, 10}, {"eth1", "l34", "10.0.34.3/24", kP2p, 10}});
    area.router("r4", "4.4.4.4", {{"eth0", "l24", "10.0.24.4/24", kP2p, 10}, {"eth1", "l34", "10.0.34.4/24", kP2p, 10},
                                  {"eth2", "", "10.0.4.1/24", kLan, 1}});
    area.run_until(kStart + 6s);
    INFO([&] { std::string text; for (const auto& line : area.log) text += line + "\n"; return text; }());
    const auto* lan = area.route("r1", "10.0.4.0/24");
    REQUIRE(lan);
    CHECK(lan->cost == 21);
    CHECK(lan->next_hops == via({{"10.0.12.2", "eth1"}, {"10.0.13.3", "eth2"}}));

    area.cut.insert({"r1", "eth1"});
    area.cut.insert({"r2", "eth0"});
    area.routers.at("r1")->interface_down("eth1", area.now);
    area.routers.at("r2")->interface_down("eth0", area.now);
    area.run_until(area.now + 2s);
    lan = area.route("r1", "10.0.4.0/24");
    REQUIRE(lan);
    CHECK(lan->next_hops == via({{"10.0.13.3", "eth2"}}));
}

TEST_CASE("a neighbour that falls silent is gone after the dead interval, with the routes through it",
          "[router][ospf][engine]") {
    Area area;
    area.router("r1", "1.1.1.1", {{"eth1", "l12", "10.0.12.1/24", kP2p, 10}});
    area.router("r2", "2.2.2.2", {{"eth0", "l12", "10.0.12.2/24", kP2p, 10}, {"eth1", "", "10.0.2.1/24", kLan, 1}});
    area.run_until(kStart + 4s);
    REQUIRE(area.route("r1", "10.0.2.0/24"));
    // Only r1's side: r2 goes quiet without saying so (its process died).
    area.cut.insert({"r2", "eth0"});
    area.run_until(area.now + 6s);
    CHECK(area.route("r1", "10.0.2.0/24") == nullptr);
    bool logged = false;
    for (const auto& line : area.log) logged = logged || line.find("r1 ospf.neighbor_down 2.2.2.2 eth1 (dead interval passed)") == 0;
    CHECK(logged);
}

TEST_CASE("an LSA passed on to a neighbour that lost it goes again after RxmtInterval (RFC 2328 13.6)",
          "[router][ospf][engine]") {
    Area area;
    area.router("r1", "1.1.1.1", {{"eth0", "", "10.0.1.1/24", kLan, 1}, {"eth1", "l12", "10.0.12.1/24", kP2p, 10}});
    area.router("r2", "2.2.2.2", {{"eth0", "l12", "10.0.12.2/24", kP2p, 10}, {"eth1", "l23", "10.0.23.2/24", kP2p, 10}});
    area.router("r3", "3.3.3.3", {{"eth0", "l23", "10.0.23.3/24", kP2p, 10}});
    area.run_until(kStart + 5s);
    const LsaKey r1_lsa{wire::lsa_type::kRouter, ip("1.1.1.1"), ip("1.1.1.1")};
    const auto before = area.routers.at("r3")->lsdb().find(r1_lsa)->lsa.header.sequence;
    // r1's LAN goes down: a new router-LSA, which r2 passes on to r3 — and loses, once.
    bool lost = false;
    area.lose = [&](const std::string& from, const OspfSend& send) {
        if (from != "r2" || send.interface != "eth1" || lost) return false;
        const auto* update = std::get_if<wire::OspfLinkStateUpdate>(&send.packet.body);
        if (update == nullptr) return false;
        lost = true;
        return true;
    };
    area.log.clear();
    area.routers.at("r1")->interface_down("eth0", area.now);
    area.run_until(area.now + 1s);
    INFO([&] { std::string text; for (const auto& line : area.log) text += line + "\n"; return text; }());
    REQUIRE(lost);
    CHECK(area.routers.at("r3")->lsdb().find(r1_lsa)->lsa.header.sequence == before);
    area.run_until(area.now + 6s);  // RxmtInterval is 5 s
    CHECK(area.routers.at("r3")->lsdb().find(r1_lsa)->lsa.header.sequence > before);
    CHECK(area.route("r3", "10.0.1.0/24") == nullptr);
    CHECK(area.routers.at("r2")->counters().retransmissions > 0);
}

TEST_CASE("a router that restarts goes on from the sequence number its neighbours still hold, and is Full again",
          "[router][ospf][engine]") {
    Area area;
    area.router("r1", "1.1.1.1", {{"eth1", "l12", "10.0.12.1/24", kP2p, 10}});
    area.router("r2", "2.2.2.2", {{"eth0", "l12", "10.0.12.2/24", kP2p, 10}, {"eth1", "", "10.0.2.1/24", kLan, 1}});
    area.run_until(kStart + 4s);
    // A few more originations, so that r1 holds r2's LSA well past the first sequence number.
    for (int i = 0; i < 3; ++i) {
        area.routers.at("r2")->interface_down("eth1", area.now);
        area.run_until(area.now + 1s);
        area.routers.at("r2")->interface_up("eth1", area.now);
        area.run_until(area.now + 1s);
    }
    const LsaKey r2_lsa{wire::lsa_type::kRouter, ip("2.2.2.2"), ip("2.2.2.2")};
    const auto held = area.routers.at("r1")->lsdb().find(r2_lsa)->lsa.header.sequence;
    REQUIRE(static_cast<std::int32_t>(held) > static_cast<std::int32_t>(wire::LsaHeader::kInitialSequence + 2));
    area.start("r2", 777);  // restarted: its first router-LSA has the initial sequence number
    area.run_until(area.now + 6s);
    INFO([&] { std::string text; for (const auto& line : area.log) text += line + "\n"; return text; }());
    CHECK(area.all_full("r1"));
    CHECK(area.all_full("r2"));
    const auto now_held = area.routers.at("r1")->lsdb().find(r2_lsa)->lsa.header.sequence;
    CHECK(static_cast<std::int32_t>(now_held) > static_cast<std::int32_t>(held));
    CHECK(area.route("r1", "10.0.2.0/24") != nullptr);
}

// BIRD keeps MinLSArrival and cannot turn it off. When an adjacency comes up, each router
// installs the other's router-LSA from the answer to its request, and at once originates a
// new one (now with the link to the other): that instance, flooded straight away, would come
// within MinLSArrival of the one just installed and be dropped (§13 (5a)), to be repaired only
// by the retransmission RxmtInterval later. It waits until the neighbour takes it instead.
TEST_CASE("a newer instance goes to a neighbour no sooner than MinLSArrival after the one it was sent last",
          "[router][ospf][engine]") {
    Area area;
    area.router("r1", "1.1.1.1", {{"eth0", "", "10.0.1.1/24", kLan, 1}, {"eth1", "l12", "10.0.12.1/24", kP2p, 10}});
    area.router("r2", "2.2.2.2", {{"eth0", "l12", "10.0.12.2/24", kP2p, 10}, {"eth1", "", "10.0.2.1/24", kLan, 1}});
    for (const auto* name : {"r1", "r2"}) {
        area.configs.at(name).min_ls_arrival = 1000ms;
        area.start(name, name[1] == '1' ? 7 : 9);
    }
    // Every instance each router sends the other, and when.
    std::map<std::pair<std::string, LsaKey>, std::vector<std::pair<OspfEngine::Time, std::uint32_t>>> sent;
    area.lose = [&](const std::string& from, const OspfSend& send) {
        if (const auto* update = std::get_if<wire::OspfLinkStateUpdate>(&send.packet.body)) {
            for (const auto& lsa : update->lsas) sent[{from, key_of(lsa.header)}].emplace_back(area.now, lsa.header.sequence);
        }
        return false;
    };
    area.run_until(kStart + 4s);  // well before RxmtInterval (5 s) could repair a drop
    INFO([&] { std::string text; for (const auto& line : area.log) text += line + "\n"; return text; }());
    CHECK(area.all_full("r1"));
    CHECK(area.all_full("r2"));
    // Each holds the other's newest router-LSA, the one with the point-to-point link.
    for (auto [at, of] : {std::pair{"r1", "2.2.2.2"}, std::pair{"r2", "1.1.1.1"}}) {
        INFO(at);
        const LsaKey key{wire::lsa_type::kRouter, ip(of), ip(of)};
        const auto* theirs = area.routers.at(at)->lsdb().find(key);
        const auto* own = area.routers.at(at == std::string("r1") ? "r2" : "r1")->lsdb().find(key);
        REQUIRE(theirs);
        REQUIRE(own);
        CHECK(theirs->lsa.header.sequence == own->lsa.header.sequence);
        CHECK(own->lsa.header.sequence > wire::LsaHeader::kInitialSequence);
    }
    CHECK(area.route("r1", "10.0.2.0/24"));
    CHECK(area.route("r2", "10.0.1.0/24"));
    // And no newer instance followed the last one sent within a second.
    for (const auto& [who, instances] : sent) {
        for (std::size_t i = 1; i < instances.size(); ++i) {
            if (instances[i].second == instances[i - 1].second) continue;
            INFO(who.first << " sent instances " << instances[i - 1].second << " and " << instances[i].second);
            CHECK(instances[i].first - instances[i - 1].first >= 1s);
        }
    }
    CHECK(std::any_of(area.log.begin(), area.log.end(),
                      [](const std::string& line) { return line.find("ospf.lsa_paced") != std::string::npos; }));
}
