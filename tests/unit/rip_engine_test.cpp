// emu-router's RIPv2 engine with a fake clock: RFC 2453 rule by rule — what a router sends
// when it starts, how it takes routes from responses (§3.9.2), times them out and forgets
// them (§3.8), splits horizons with poisoned reverse (§3.4.3), holds triggered updates apart
// (§3.10.1), answers requests (§3.9.1), and what it ignores; then routers in a simulated
// ring converge, reroute the long way round when a link is cut, and stop counting at 16.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "nodes/router/rip_engine.hpp"

using namespace emu;
using namespace emu::router;
using namespace std::chrono_literals;
using wire::Ipv4Address;
using wire::Ipv4Prefix;
using wire::kRipInfinity;
using wire::RipMessage;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
Ipv4Prefix prefix(const char* address, int length) { return Ipv4Prefix{ip(address), length}; }
const Time kStart = Time{} + 1000s;

RipTimers fast_timers() {
    RipTimers timers;
    timers.update = 6s;
    timers.timeout = 18s;
    timers.garbage = 12s;
    return timers;
}

// r1: eth0 10.0.12.1/24 towards r2 (10.0.12.2), eth1 10.0.1.1/24 a LAN with no other router.
RipConfig r1_config(bool lan_passive = true) {
    RipConfig config;
    config.interfaces = {{"eth0", prefix("10.0.12.1", 24), false}, {"eth1", prefix("10.0.1.1", 24), lan_passive}};
    config.timers = fast_timers();
    return config;
}

std::unique_ptr<RipEngine> started(RipConfig config, Time now = kStart) {
    auto engine = std::make_unique<RipEngine>(std::move(config), 7);
    for (const auto& interface : engine->config().interfaces) engine->interface_up(interface.name, now);
    engine->start(now);
    return engine;
}

wire::RipRoute route(const char* address, int length, std::uint32_t metric) {
    wire::RipRoute route;
    route.address = ip(address);
    route.mask = wire::ipv4_mask(length);
    route.metric = metric;
    return route;
}

RipMessage response(std::vector<wire::RipRoute> routes) {
    RipMessage message;
    message.routes = std::move(routes);
    return message;
}

// What a list of sends advertises on one interface: destination → metric.
std::map<std::string, std::uint32_t> advertised(const std::vector<RipSend>& sends, const std::string& interface) {
    std::map<std::string, std::uint32_t> routes;
    for (const auto& send : sends) {
        if (send.interface != interface || send.message.command != wire::rip_command::kResponse) continue;
        for (const auto& entry : send.message.routes) {
            routes[Ipv4Prefix{entry.address, *wire::ipv4_mask_length(entry.mask)}.to_string()] = entry.metric;
        }
    }
    return routes;
}

const RipRouteEntry* find(const RipEngine& engine, const char* address, int length) {
    auto it = engine.table().find(prefix(address, length));
    return it == engine.table().end() ? nullptr : &it->second;
}

}  // namespace

TEST_CASE("A RIP router starts by asking for whole tables and announcing its own networks", "[rip]") {
    auto r1 = started(r1_config());
    auto sends = r1->take_sends();
    REQUIRE(sends.size() == 2);
    CHECK(sends[0].interface == "eth0");
    CHECK(sends[0].destination == RipMessage::kMulticastGroup);
    CHECK(sends[0].message.asks_for_whole_table());
    // The LAN's network goes out on eth0; eth0's own network is not advertised on itself and
    // nothing goes out on the passive LAN.
    CHECK(advertised(sends, "eth0") == std::map<std::string, std::uint32_t>{{"10.0.1.0/24", 1}});
    CHECK(advertised(sends, "eth1").empty());
    CHECK(find(*r1, "10.0.12.0", 24)->origin == RipRouteEntry::Origin::connected);
    CHECK(r1->next_deadline() >= kStart + 5s);  // the next update: 6 s ± a sixth
    CHECK(r1->next_deadline() <= kStart + 7s);
}

TEST_CASE("A route from a neighbour is learned one hop further, refreshed, timed out and forgotten", "[rip]") {
    auto r1 = started(r1_config(false));
    r1->take_sends();
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 1)}), kStart + 1s);
    const auto* learned = find(*r1, "10.0.2.0", 24);
    REQUIRE(learned);
    CHECK(learned->metric == 2u);
    CHECK(learned->next_hop == ip("10.0.12.2"));
    CHECK(learned->interface == "eth0");
    CHECK(learned->expires == kStart + 1s + 18s);
    CHECK(r1->usable_learned_routes().size() == 1);
    // A triggered update passes it on at once, and back towards r2 poisoned (§3.4.3).
    auto triggered = r1->take_sends();
    CHECK(advertised(triggered, "eth1") == std::map<std::string, std::uint32_t>{{"10.0.2.0/24", 2}});
    CHECK(advertised(triggered, "eth0") == std::map<std::string, std::uint32_t>{{"10.0.2.0/24", kRipInfinity}});
    auto events = r1->take_events();
    REQUIRE_FALSE(events.empty());
    CHECK(events.back().name == "rip.route_learned");
    CHECK(events.back().text == "10.0.2.0/24 metric 2 via 10.0.12.2 eth0");

    // Refreshed by the same router: the timeout starts again; no change, no triggered update.
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 1)}), kStart + 10s);
    CHECK(find(*r1, "10.0.2.0", 24)->expires == kStart + 28s);
    CHECK(r1->take_sends().empty());

    // Then silence: unreachable at the timeout, still advertised with 16, forgotten after the
    // garbage time.
    for (auto now = kStart + 10s; now < kStart + 28s; now += 1s) r1->advance(now);
    CHECK(find(*r1, "10.0.2.0", 24)->reachable());
    r1->take_sends();
    r1->advance(kStart + 28s);
    CHECK(find(*r1, "10.0.2.0", 24)->metric == kRipInfinity);
    CHECK(r1->usable_learned_routes().empty());
    CHECK(advertised(r1->take_sends(), "eth1") == std::map<std::string, std::uint32_t>{{"10.0.2.0/24", kRipInfinity}});
    CHECK(r1->next_deadline() <= kStart + 28s + 12s);
    for (auto now = kStart + 29s; now <= kStart + 40s; now += 1s) r1->advance(now);
    CHECK(find(*r1, "10.0.2.0", 24) == nullptr);
    auto last = r1->take_events();
    CHECK(std::any_of(last.begin(), last.end(), [](const RipEvent& event) { return event.name == "rip.route_forgotten"; }));
}

TEST_CASE("Metric 16 from the current router withdraws a route at once, and a better router replaces it", "[rip]") {
    auto r1 = started(r1_config(false));
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 3)}), kStart);
    CHECK(find(*r1, "10.0.2.0", 24)->metric == 4u);

    // Another router on the same network with a worse route: ignored; with a better one: taken.
    r1->receive("eth0", ip("10.0.12.3"), 520, response({route("10.0.2.0", 24, 5)}), kStart + 1s);
    CHECK(find(*r1, "10.0.2.0", 24)->next_hop == ip("10.0.12.2"));
    r1->receive("eth0", ip("10.0.12.3"), 520, response({route("10.0.2.0", 24, 1)}), kStart + 2s);
    CHECK(find(*r1, "10.0.2.0", 24)->next_hop == ip("10.0.12.3"));
    CHECK(find(*r1, "10.0.2.0", 24)->metric == 2u);
    // The current router's word counts even when it is worse.
    r1->receive("eth0", ip("10.0.12.3"), 520, response({route("10.0.2.0", 24, 6)}), kStart + 3s);
    CHECK(find(*r1, "10.0.2.0", 24)->metric == 7u);
    // A next hop named in the entry, on this network, is used (§4.4); one elsewhere is not.
    auto with_next_hop = route("10.0.3.0", 24, 1);
    with_next_hop.next_hop = ip("10.0.12.9");
    auto elsewhere = route("10.0.4.0", 24, 1);
    elsewhere.next_hop = ip("192.0.2.1");
    r1->receive("eth0", ip("10.0.12.3"), 520, response({with_next_hop, elsewhere}), kStart + 3s);
    CHECK(find(*r1, "10.0.3.0", 24)->next_hop == ip("10.0.12.9"));
    CHECK(find(*r1, "10.0.4.0", 24)->next_hop == ip("10.0.12.3"));

    r1->take_sends();
    r1->take_events();
    r1->receive("eth0", ip("10.0.12.3"), 520, response({route("10.0.2.0", 24, 16)}), kStart + 10s);
    CHECK_FALSE(find(*r1, "10.0.2.0", 24)->reachable());
    CHECK(find(*r1, "10.0.2.0", 24)->forgotten_at == kStart + 10s + 12s);
    auto events = r1->take_events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].name == "rip.route_withdrawn");
    CHECK(events[1].name == "rip.tables_requested");
    // Metric 16 again does not start the garbage timer again.
    r1->receive("eth0", ip("10.0.12.3"), 520, response({route("10.0.2.0", 24, 16)}), kStart + 11s);
    CHECK(find(*r1, "10.0.2.0", 24)->forgotten_at == kStart + 22s);
    // While it waits to be forgotten, any router's reachable route brings it back.
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 2)}), kStart + 12s);
    CHECK(find(*r1, "10.0.2.0", 24)->metric == 3u);
    CHECK_FALSE(find(*r1, "10.0.2.0", 24)->forgotten_at);
}

TEST_CASE("Triggered updates carry only what changed and are held one to five seconds apart", "[rip]") {
    auto r1 = started(r1_config(false));
    r1->take_sends();
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 1)}), kStart + 1s);
    CHECK(advertised(r1->take_sends(), "eth1").size() == 1);  // the first goes at once
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.3.0", 24, 1)}), kStart + 1s + 100ms);
    CHECK(r1->take_sends().empty());  // held
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.4.0", 24, 1)}), kStart + 1s + 200ms);
    const auto release = r1->next_deadline();
    CHECK(release >= kStart + 2s);
    CHECK(release <= kStart + 6s);
    r1->advance(release - 1ms);
    CHECK(r1->take_sends().empty());
    r1->advance(release);
    // One update with both changes, and nothing that had not changed.
    CHECK(advertised(r1->take_sends(), "eth1") ==
          std::map<std::string, std::uint32_t>{{"10.0.3.0/24", 2}, {"10.0.4.0/24", 2}});
    CHECK(r1->counters().triggered_updates_sent == 2u);
}

TEST_CASE("A regular update ends the triggered-update hold: the next change goes at once", "[rip]") {
    auto config = r1_config(false);
    config.timers.triggered_hold_min = config.timers.triggered_hold_max = 20s;  // past the regular update
    auto r1 = started(config);
    r1->take_sends();
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 1)}), kStart + 1s);
    CHECK(advertised(r1->take_sends(), "eth1").size() == 1);  // triggered: the hold begins
    // The regular update is due 6 s (± a sixth) after the start, long before the hold ends.
    auto now = kStart + 1s;
    const auto regular_updates = r1->counters().updates_sent;
    while (r1->counters().updates_sent == regular_updates) {
        now = r1->next_deadline();
        r1->advance(now);
    }
    r1->take_sends();
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.3.0", 24, 1)}), now + 1ms);
    CHECK(advertised(r1->take_sends(), "eth1") == std::map<std::string, std::uint32_t>{{"10.0.3.0/24", 2}});
}

TEST_CASE("A whole-table request is answered to the asker with split horizon, a specific one with metrics",
          "[rip]") {
    auto r1 = started(r1_config());
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 1)}), kStart);
    r1->take_sends();
    r1->receive("eth0", ip("10.0.12.2"), 520, RipMessage::whole_table_request(), kStart + 1s);
    auto answer = r1->take_sends();
    REQUIRE(answer.size() == 1);
    CHECK(answer[0].destination == ip("10.0.12.2"));
    CHECK(answer[0].port == 520);
    CHECK(advertised(answer, "eth0") ==
          std::map<std::string, std::uint32_t>{{"10.0.1.0/24", 1}, {"10.0.2.0/24", kRipInfinity}});

    // A diagnostic tool's question from another port, about two destinations.
    RipMessage question;
    question.command = wire::rip_command::kRequest;
    question.routes = {route("10.0.2.0", 24, 0), route("10.9.9.0", 24, 0)};
    r1->receive("eth0", ip("10.0.12.7"), 40000, question, kStart + 2s);
    answer = r1->take_sends();
    REQUIRE(answer.size() == 1);
    CHECK(answer[0].port == 40000);
    CHECK(answer[0].message.command == wire::rip_command::kResponse);
    CHECK(answer[0].message.routes[0].metric == 2u);  // no split horizon for a question
    CHECK(answer[0].message.routes[1].metric == kRipInfinity);
    CHECK(r1->counters().requests_answered == 2u);
}

TEST_CASE("Responses RIP must not believe are ignored and counted, and bad routes skipped", "[rip]") {
    auto r1 = started(r1_config());
    auto good = response({route("10.0.2.0", 24, 1)});
    r1->receive("eth0", ip("10.0.12.2"), 5200, good, kStart);     // not from the RIP port
    r1->receive("eth0", ip("10.0.13.2"), 520, good, kStart);      // not on eth0's network
    auto version_one = good;
    version_one.version = 1;
    r1->receive("eth0", ip("10.0.12.2"), 520, version_one, kStart);
    auto authenticated = good;
    authenticated.authentication = wire::RipAuthentication{};
    r1->receive("eth0", ip("10.0.12.2"), 520, authenticated, kStart);
    CHECK(r1->counters().ignored_messages == 4u);
    r1->receive("eth0", ip("10.0.12.1"), 520, good, kStart);  // our own, looped back: not counted
    CHECK(r1->counters().ignored_messages == 4u);
    CHECK(find(*r1, "10.0.2.0", 24) == nullptr);

    auto ragged_mask = route("10.0.5.0", 24, 1);
    ragged_mask.mask = ip("255.0.255.0");
    auto other_family = route("10.0.6.0", 24, 1);
    other_family.family = 3;
    r1->receive("eth0", ip("10.0.12.2"), 520,
                response({route("127.0.0.0", 8, 1), route("224.0.0.0", 4, 1), route("10.0.7.1", 24, 1),
                          route("10.0.8.0", 24, 0), route("10.0.9.0", 24, 17), ragged_mask, other_family,
                          route("10.0.2.0", 24, 1), route("0.0.0.0", 0, 1)}),
                kStart);
    CHECK(r1->counters().bad_routes == 7u);
    CHECK(r1->neighbours().at(ip("10.0.12.2")).bad_routes == 7u);
    CHECK(r1->usable_learned_routes().size() == 2);  // 10.0.2.0/24 and the default route
    CHECK(find(*r1, "0.0.0.0", 0)->metric == 2u);
}

TEST_CASE("An interface going down makes its network and routes unreachable, and up announces it again", "[rip]") {
    auto r1 = started(r1_config(false));
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 1)}), kStart);
    r1->take_sends();
    r1->interface_down("eth0", kStart + 10s);  // past the triggered update's hold: announced at once
    CHECK_FALSE(find(*r1, "10.0.12.0", 24)->reachable());
    CHECK_FALSE(find(*r1, "10.0.2.0", 24)->reachable());
    auto sends = r1->take_sends();
    CHECK(advertised(sends, "eth1") ==
          std::map<std::string, std::uint32_t>{{"10.0.12.0/24", kRipInfinity}, {"10.0.2.0/24", kRipInfinity}});
    CHECK(advertised(sends, "eth0").empty());  // nothing goes out of a down interface
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 1)}), kStart + 11s);
    CHECK_FALSE(find(*r1, "10.0.2.0", 24)->reachable());  // nor is anything taken from it

    r1->interface_up("eth0", kStart + 20s);
    CHECK(find(*r1, "10.0.12.0", 24)->reachable());
    sends = r1->take_sends();
    REQUIRE_FALSE(sends.empty());
    CHECK(sends[0].message.asks_for_whole_table());
    CHECK(advertised(sends, "eth1") == std::map<std::string, std::uint32_t>{{"10.0.12.0/24", 1}});
}

TEST_CASE("A lost route makes the router ask its neighbours for their tables, at most once per minimum hold",
          "[rip]") {
    auto r1 = started(r1_config(false));
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 1), route("10.0.3.0", 24, 2)}), kStart);
    r1->advance(kStart + 9s);  // the regular update, so that the next is 5 to 7 s away
    r1->take_sends();
    auto asks = [](const std::vector<RipSend>& sends) {
        std::vector<std::string> interfaces;
        for (const auto& send : sends) {
            if (send.message.asks_for_whole_table()) {
                CHECK(send.destination == RipMessage::kMulticastGroup);
                interfaces.push_back(send.interface);
            }
        }
        return interfaces;
    };
    // Withdrawn by the router it came from: the poison goes out, then the question.
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.2.0", 24, 16)}), kStart + 10s);
    auto sends = r1->take_sends();
    CHECK(advertised(sends, "eth1") == std::map<std::string, std::uint32_t>{{"10.0.2.0/24", kRipInfinity}});
    CHECK(asks(sends) == std::vector<std::string>{"eth0", "eth1"});
    CHECK(r1->take_events().back().name == "rip.tables_requested");
    // A second loss within the minimum hold (1 s) is asked about when it ends, not before.
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.3.0", 24, 16)}), kStart + 10s + 300ms);
    CHECK(asks(r1->take_sends()).empty());
    CHECK(r1->next_deadline() == kStart + 11s);
    r1->advance(kStart + 11s - 1ms);
    CHECK(asks(r1->take_sends()).empty());
    r1->advance(kStart + 11s);
    CHECK(asks(r1->take_sends()) == std::vector<std::string>{"eth0", "eth1"});
    // Nothing lost since: nothing asked.
    r1->advance(kStart + 13s);
    CHECK(asks(r1->take_sends()).empty());
    // A route learned, or one that stays unreachable, asks nothing.
    r1->receive("eth0", ip("10.0.12.2"), 520, response({route("10.0.4.0", 24, 1), route("10.0.3.0", 24, 16)}),
                kStart + 14s);
    CHECK(asks(r1->take_sends()).empty());
    // Counted with the two asked at start, for `show rip`.
    CHECK(r1->counters().requests_sent == 6u);
}

namespace {

// Routers wired together: every send is delivered at once to the routers on that link (a
// multicast to all of them, a unicast to the one with that address), and time moves from
// one deadline to the next.
class SimulatedRipNetwork {
public:
    struct Port {
        std::size_t router;
        std::string interface;
        Ipv4Address address;
    };

    std::size_t add_router(RipConfig config) {
        configs_.push_back(std::move(config));
        return configs_.size() - 1;
    }
    void connect(std::vector<Port> ports) { links_.push_back(std::move(ports)); }

    void start(Time now) {
        now_ = now;
        for (std::size_t index = 0; index < configs_.size(); ++index) {
            routers_.push_back(std::make_unique<RipEngine>(configs_[index], static_cast<std::uint32_t>(index + 1)));
            for (const auto& interface : configs_[index].interfaces) routers_.back()->interface_up(interface.name, now);
        }
        for (auto& router : routers_) router->start(now);
        deliver();
    }

    void run_until(Time end) {
        for (;;) {
            Time next = end;
            for (auto& router : routers_) next = std::min(next, router->next_deadline());
            if (next > end) break;
            now_ = std::max(now_, next);
            for (auto& router : routers_) router->advance(now_);
            deliver();
            if (next == end) break;
        }
        now_ = end;
    }

    void cut(std::size_t link) {
        for (const auto& port : links_[link]) routers_[port.router]->interface_down(port.interface, now_);
        cut_.push_back(link);
        deliver();
    }

    void heal(std::size_t link) {
        cut_.erase(std::remove(cut_.begin(), cut_.end(), link), cut_.end());
        for (const auto& port : links_[link]) routers_[port.router]->interface_up(port.interface, now_);
        deliver();
    }

    void take_down(std::size_t router, const std::string& interface) {
        routers_[router]->interface_down(interface, now_);
        deliver();
    }

    RipEngine& router(std::size_t index) { return *routers_[index]; }
    Time now() const { return now_; }

private:
    bool is_cut(std::size_t link) const { return std::find(cut_.begin(), cut_.end(), link) != cut_.end(); }

    void deliver() {
        for (bool any = true; any;) {
            any = false;
            for (std::size_t from = 0; from < routers_.size(); ++from) {
                for (const auto& send : routers_[from]->take_sends()) {
                    any = true;
                    for (std::size_t link = 0; link < links_.size(); ++link) {
                        if (is_cut(link)) continue;
                        const auto& ports = links_[link];
                        auto sender = std::find_if(ports.begin(), ports.end(), [&](const Port& port) {
                            return port.router == from && port.interface == send.interface;
                        });
                        if (sender == ports.end()) continue;
                        for (const auto& port : ports) {
                            if (port.router == from) continue;
                            if (send.destination != RipMessage::kMulticastGroup && send.destination != port.address) continue;
                            routers_[port.router]->receive(port.interface, sender->address, RipMessage::kPort,
                                                           send.message, now_);
                        }
                    }
                }
            }
        }
    }

    std::vector<RipConfig> configs_;
    std::vector<std::unique_ptr<RipEngine>> routers_;
    std::vector<std::vector<Port>> links_;
    std::vector<std::size_t> cut_;
    Time now_{};
};

// A ring of `count` routers: router i has LAN 10.0.i.0/24 (passive) and links to its
// neighbours, link i joining router i (eth1, 10.1.i.1) and router i+1 (eth2, 10.1.i.2).
SimulatedRipNetwork ring(int count) {
    SimulatedRipNetwork network;
    for (int index = 0; index < count; ++index) {
        const int previous = (index + count - 1) % count;
        RipConfig config;
        config.timers = fast_timers();
        config.interfaces = {
            {"eth0", Ipv4Prefix{Ipv4Address{0x0a000001u + (static_cast<std::uint32_t>(index) << 8)}, 24}, true},
            {"eth1", Ipv4Prefix{Ipv4Address{0x0a010001u + (static_cast<std::uint32_t>(index) << 8)}, 24}, false},
            {"eth2", Ipv4Prefix{Ipv4Address{0x0a010002u + (static_cast<std::uint32_t>(previous) << 8)}, 24}, false}};
        network.add_router(std::move(config));
    }
    for (int index = 0; index < count; ++index) {
        const auto next = static_cast<std::size_t>((index + 1) % count);
        network.connect({{static_cast<std::size_t>(index), "eth1",
                          Ipv4Address{0x0a010001u + (static_cast<std::uint32_t>(index) << 8)}},
                         {next, "eth2", Ipv4Address{0x0a010002u + (static_cast<std::uint32_t>(index) << 8)}}});
    }
    return network;
}

std::uint32_t metric_to(RipEngine& router, int lan) {
    auto it = router.table().find(Ipv4Prefix{Ipv4Address{0x0a000000u + (static_cast<std::uint32_t>(lan) << 8)}, 24});
    return it == router.table().end() ? kRipInfinity : it->second.metric;
}

}  // namespace

TEST_CASE("Six routers in a ring converge, reroute the long way round when a link is cut, and heal",
          "[rip][convergence]") {
    auto network = ring(6);
    network.start(kStart);
    // Start-up requests and triggered updates spread every route within a few holds.
    network.run_until(kStart + 15s);
    for (int router = 0; router < 6; ++router) {
        for (int lan = 0; lan < 6; ++lan) {
            INFO("router " << router << ", LAN " << lan);
            const int hops = std::min((lan - router + 6) % 6, (router - lan + 6) % 6);
            CHECK(metric_to(network.router(static_cast<std::size_t>(router)), lan) == static_cast<std::uint32_t>(hops + 1));
        }
    }
    // Cut the link between routers 0 and 1: router 0 now reaches LAN 1 the long way, 5 hops.
    network.cut(0);
    network.run_until(network.now() + 15s);
    CHECK(metric_to(network.router(0), 1) == 6u);
    CHECK(metric_to(network.router(1), 0) == 6u);
    CHECK(network.router(0).table().at(Ipv4Prefix{Ipv4Address{0x0a000100u}, 24}).interface == "eth2");
    // After a timeout and a garbage time nothing is left counting, and every table is the
    // line's: 1-2-3-4-5-0.
    network.run_until(network.now() + 40s);
    auto position = [](int router) { return (router + 5) % 6; };
    for (int router = 0; router < 6; ++router) {
        for (int lan = 0; lan < 6; ++lan) {
            INFO("router " << router << ", LAN " << lan);
            CHECK(metric_to(network.router(static_cast<std::size_t>(router)), lan) ==
                  static_cast<std::uint32_t>(std::abs(position(router) - position(lan)) + 1));
        }
    }
    // Healed: the short way again.
    network.heal(0);
    network.run_until(network.now() + 15s);
    CHECK(metric_to(network.router(0), 1) == 2u);
    CHECK(metric_to(network.router(1), 0) == 2u);
    CHECK(metric_to(network.router(0), 3) == 4u);
}

TEST_CASE("A network lost behind a triangle of routers is counted to 16 at most, then forgotten everywhere",
          "[rip][convergence]") {
    // Three routers, each linked to both others: split horizon alone cannot stop two of them
    // from feeding a lost network back to each other through the third (RFC 2453 §3.5).
    SimulatedRipNetwork network;
    const std::uint32_t base = 0x0a020000u;  // 10.2.x.y
    for (std::uint32_t index = 0; index < 3; ++index) {
        RipConfig config;
        config.timers = fast_timers();
        config.interfaces = {{"lan", Ipv4Prefix{Ipv4Address{0x0a000001u + (index << 8)}, 24}, true}};
        for (std::uint32_t other = 0; other < 3; ++other) {
            if (other == index) continue;
            const auto link = std::min(index, other) * 3 + std::max(index, other);
            config.interfaces.push_back({"to" + std::to_string(other), Ipv4Prefix{Ipv4Address{base + (link << 8) + index + 1}, 24}, false});
        }
        network.add_router(std::move(config));
    }
    for (std::uint32_t a = 0; a < 3; ++a) {
        for (std::uint32_t b = a + 1; b < 3; ++b) {
            const auto link = a * 3 + b;
            network.connect({{a, "to" + std::to_string(b), Ipv4Address{base + (link << 8) + a + 1}},
                             {b, "to" + std::to_string(a), Ipv4Address{base + (link << 8) + b + 1}}});
        }
    }
    network.start(kStart);
    network.run_until(kStart + 15s);
    CHECK(metric_to(network.router(0), 2) == 2u);
    CHECK(metric_to(network.router(1), 2) == 2u);

    network.take_down(2, "lan");
    // Watch every second: no router ever believes a metric above 16 (it cannot), and soon none
    // believes the network reachable at all.
    Time all_unreachable{};
    const Time lost = network.now();
    for (auto until = lost + 1s; until <= lost + 60s; until += 1s) {
        network.run_until(until);
        bool reachable_somewhere = false;
        for (std::size_t router = 0; router < 3; ++router) {
            reachable_somewhere |= metric_to(network.router(router), 2) < kRipInfinity;
        }
        if (!reachable_somewhere && all_unreachable == Time{}) all_unreachable = until;
        if (reachable_somewhere) all_unreachable = Time{};
    }
    REQUIRE(all_unreachable != Time{});
    CHECK(all_unreachable - lost <= 20s);
    // And a garbage time later it is gone from every table.
    for (std::size_t router = 0; router < 3; ++router) {
        CHECK(network.router(router).table().count(Ipv4Prefix{Ipv4Address{0x0a000200u}, 24}) == 0);
    }
}
