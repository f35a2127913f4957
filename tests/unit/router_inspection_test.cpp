// What `emu-router show routes|rip` reports and prints, from a RIB and a RIP engine on a
// fake clock: each route's source, costs and next hops, which one the kernel holds, and
// RIP's timers counting down.
#include <catch2/catch.hpp>

#include "nodes/router/inspection.hpp"

using namespace emu;
using namespace emu::router;
using namespace std::chrono_literals;
using wire::Ipv4Address;
using wire::Ipv4Prefix;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
Ipv4Prefix prefix(const char* address, int length) { return Ipv4Prefix{ip(address), length}; }
const Time kStart = Time{} + 1000s;

wire::RipMessage response_with(const char* address, int length, std::uint32_t metric) {
    wire::RipRoute route;
    route.address = ip(address);
    route.mask = wire::ipv4_mask(length);
    route.metric = metric;
    wire::RipMessage message;
    message.command = wire::rip_command::kResponse;
    message.routes = {route};
    return message;
}

// r1: eth0 towards r2 (10.0.12.2), eth1 a LAN of hosts; 6/18/12 s timers.
RipEngine started_engine() {
    RipConfig config;
    config.interfaces = {{"eth0", prefix("10.0.12.1", 24), false}, {"eth1", prefix("10.0.1.1", 24), true}};
    config.timers.update = 6s;
    config.timers.timeout = 18s;
    config.timers.garbage = 12s;
    RipEngine engine(config, 7);
    engine.interface_up("eth0", kStart);
    engine.interface_up("eth1", kStart);
    engine.start(kStart);
    return engine;
}

}  // namespace

TEST_CASE("show routes lists every source's offer, the chosen one first, and marks what the kernel holds",
          "[router][inspection]") {
    Rib rib;
    rib.set_routes(RouteSource::connected, {{prefix("10.0.1.0", 24), RouteSource::connected, 0, {{{}, "eth1"}}},
                                            {prefix("10.0.12.0", 24), RouteSource::connected, 0, {{{}, "eth0"}}}});
    // RIP also offers a connected network (from a neighbour): it loses to the interface.
    rib.set_routes(RouteSource::rip, {{prefix("10.0.3.0", 24), RouteSource::rip, 3, {{ip("10.0.12.2"), "eth0"}}},
                                      {prefix("10.0.12.0", 24), RouteSource::rip, 2, {{ip("10.0.12.2"), "eth0"}}}});
    rib.set_routes(RouteSource::ospf, {{prefix("10.0.4.0", 24),
                                        RouteSource::ospf,
                                        20,
                                        {{ip("10.0.12.2"), "eth0"}, {ip("10.0.13.3"), "eth2"}}}});
    auto report = routes_report(rib);
    REQUIRE(report["routes"].size() == 4);
    const auto& shared = report["routes"][3];
    CHECK(shared["destination"] == "10.0.12.0/24");
    CHECK(shared["candidates"][0]["source"] == "connected");
    CHECK(shared["candidates"][0]["in_kernel"] == true);  // the kernel's own: there, if not by us
    CHECK(shared["candidates"][1]["chosen"] == false);
    CHECK(report["routes"][1]["candidates"][0]["in_kernel"] == true);

    CHECK(format_routes(report) ==
          "Codes: C connected, S static, O ospf, R rip; > chosen, * in the kernel's table; "
          "[administrative distance/metric]\n"
          "\n"
          "C>*  10.0.1.0/24   [0/0]     directly connected, eth1\n"
          "R>*  10.0.3.0/24   [120/3]   via 10.0.12.2, eth0\n"
          "O>*  10.0.4.0/24   [110/20]  via 10.0.12.2, eth0\n"
          "                             via 10.0.13.3, eth2\n"
          "C>*  10.0.12.0/24  [0/0]     directly connected, eth0\n"
          "R    10.0.12.0/24  [120/2]   via 10.0.12.2, eth0\n");

    // A static route to 10.0.4.0/24 (emud's, in the kernel) wins over OSPF's: ours goes.
    auto changes = rib.set_routes(RouteSource::static_route,
                                  {{prefix("10.0.4.0", 24), RouteSource::static_route, 0, {{ip("10.0.12.9"), "eth0"}}}});
    REQUIRE(changes.size() == 1);
    CHECK_FALSE(changes[0].route);
    CHECK(changes[0].previous->source == RouteSource::ospf);
    auto with_static = format_routes(routes_report(rib));
    CHECK(with_static.find("S>*  10.0.4.0/24   [1/0]     via 10.0.12.9, eth0\n"
                           "O    10.0.4.0/24   [110/20]  via 10.0.12.2, eth0\n") != std::string::npos);
}

TEST_CASE("show rip lists the distance vector with each route's source and its timer counting down",
          "[router][inspection][rip]") {
    auto engine = started_engine();
    engine.receive("eth0", ip("10.0.12.2"), 520, response_with("10.0.3.0", 24, 2), kStart);
    engine.receive("eth0", ip("10.0.12.2"), 520, response_with("10.0.9.0", 24, 15), kStart);

    auto fresh = rip_report(engine, kStart + 5s);
    CHECK(fresh["timers"]["timeout"] == 18.0);
    REQUIRE(fresh["routes"].size() == 3);  // two connected networks and one learned
    const auto& learned = fresh["routes"][1];
    CHECK(learned["destination"] == "10.0.3.0/24");
    CHECK(learned["metric"] == 3);
    CHECK(learned["from"] == "10.0.12.2");
    CHECK(learned["expires_in"] == 13.0);
    CHECK(fresh["neighbours"][0]["last_heard_ago"] == 5.0);
    CHECK(fresh["neighbours"][0]["responses"] == 2);
    auto text = format_rip(fresh);
    INFO(text);
    CHECK(text.find("  eth1  10.0.1.1/24   up  passive (nothing sent)\n") != std::string::npos);
    CHECK(text.find("  10.0.3.0/24   3       10.0.12.2  10.0.12.2  eth0       times out in 13.0 s\n") !=
          std::string::npos);
    CHECK(text.find("  10.0.1.0/24   1       -          connected  eth1\n") != std::string::npos);
    // 10.0.9.0/24 came at 15: one hop more is 16, unreachable, and never entered the table.
    CHECK(text.find("10.0.9.0/24") == std::string::npos);
    CHECK(text.find("  10.0.12.2 on eth0: last heard 5.0 s ago, 2 responses, 0 bad routes\n") != std::string::npos);

    // Unheard past the timeout: unreachable, forgotten 12 s after it went so.
    engine.advance(kStart + 18s);
    auto lost = format_rip(rip_report(engine, kStart + 20s));
    INFO(lost);
    CHECK(lost.find("  10.0.3.0/24   16      10.0.12.2  10.0.12.2  eth0       forgotten in 10.0 s\n") !=
          std::string::npos);
}

TEST_CASE("a topic the router has no report on is refused with the list of those it has, or says which protocol it does not run", "[router][inspection]") {
    auto engine = started_engine();
    Rib rib;
    CHECK_THROWS_WITH(report("bgp", rib, &engine, nullptr, kStart),
                      "emu-router shows routes, rip, ospf neighbors, ospf database, not 'bgp'");
    CHECK_THROWS_WITH(report("ospf neighbors", rib, &engine, nullptr, kStart), "this router does not run OSPF");
    CHECK_THROWS_WITH(report("rip", rib, nullptr, nullptr, kStart), "this router does not run RIP");
    CHECK_THROWS_AS(format_report("bgp", nlohmann::json::object()), std::invalid_argument);
    CHECK(format_report("routes", report("routes", rib, &engine, nullptr, kStart)).find("Codes:") == 0);
}
