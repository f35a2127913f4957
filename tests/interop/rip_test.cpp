// emu-router and another RIPv2 router — FRR's ripd, then BIRD 2 — on one link: each learns
// the other's LAN into its kernel table, hosts behind them reach each other, and a LAN that
// goes away on either side is withdrawn from the other at once by a triggered update with
// metric 16 (RFC 2453 §3.10.1), long before its route would time out. Needs root and the
// `frr` and `bird2` packages (ci/deps).
#include <catch2/catch.hpp>

#include <regex>

#include "tests/integration/harness.hpp"
#include "tests/interop/bird_router.hpp"
#include "tests/interop/frr_router.hpp"

using namespace emu::test;
using namespace std::chrono_literals;

namespace {

// h1 - lan1 - emu ==== peer - lan2 - h2, the same timers on both routers.
const char* kLab = R"(name: riprouting
nodes:
  lan1: {kind: switch}
  lan2: {kind: switch}
  h1: {interfaces: {eth0: 10.0.1.10/24}, gateway: 10.0.1.1}
  h2: {interfaces: {eth0: 10.0.2.10/24}, gateway: 10.0.2.1}
  emu:
    kind: router
    interfaces: {eth0: 10.0.1.1/24, eth1: 10.0.12.1/24}
    services: {rip: {update: 5, timeout: 15, garbage: 10, passive: [eth0]}}
  peer:
    kind: router
    interfaces: {eth0: 10.0.12.2/24, eth1: 10.0.2.1/24}
links:
  - endpoints: [h1:eth0, lan1]
  - endpoints: [emu:eth0, lan1]
  - endpoints: [emu:eth1, peer:eth0]
  - endpoints: [peer:eth1, lan2]
  - endpoints: [h2:eth0, lan2]
)";

// BIRD: its LAN (from `direct`, gone with the carrier: `check link`) and what RIP learned go
// out; what RIP learned goes into the kernel.
const char* kBirdRip = R"(router id 10.0.255.2;
protocol device { }
protocol direct { ipv4; interface "eth1"; check link yes; }
protocol kernel { ipv4 { import none; export where source = RTS_RIP; }; }
protocol rip {
  ipv4 { import all; export where source ~ [RTS_DEVICE, RTS_RIP]; };
  interface "eth0" { update time 5; timeout time 15; garbage time 10; };
}
)";

const char* kRipd = R"(router rip
 version 2
 network 10.0.0.0/16
 passive-interface eth1
 timers basic 5 15 10
)";

}  // namespace

TEST_CASE("emu-router and FRR's ripd learn each other's networks and withdraw them at once",
          "[root][interop][routing][rip]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("irip");
    TopologyFile topology("riprouting", kLab);
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    FrrRouter frr(daemon, lab, "peer", "ripd", kRipd);
    auto routes_of = [&](const char* node) { return daemon.emu({"exec", lab, node, "--", "ip", "route"}).out; };

    // Each way, into the kernel: FRR's zebra and emu-router both record the protocol and use
    // metric 20 for it.
    // zebra installs through nexthop objects, which `ip route` shows as `nhid N`.
    std::regex frr_route(R"(10\.0\.1\.0/24 (nhid \d+ )?via 10\.0\.12\.1 dev eth0 proto rip metric 20)");
    CHECK(wait_until([&] { return std::regex_search(routes_of("peer"), frr_route); }, 15s));
    CHECK(wait_until([&] { return contains(routes_of("emu"), "10.0.2.0/24 via 10.0.12.2 dev eth1 proto rip metric 20"); },
                     15s));
    INFO(frr.logs());
    // ripd's own table: our LAN at metric 2, from us.
    auto table = frr.vtysh({"show ip rip"}).out;
    INFO(table);
    CHECK(std::regex_search(table, std::regex(R"(R\(n\) +10\.0\.1\.0/24 +10\.0\.12\.1 +2 )")));
    CHECK(contains(daemon.emu({"logs", lab, "emu"}).out, "rip.route_learned 10.0.2.0/24 metric 2 via 10.0.12.2 eth1"));
    CHECK(contains(daemon.emu({"exec", lab, "emu", "--", "emu-router", "show", "rip"}).out, "10.0.12.2 on eth1: last heard"));
    CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.2.10"}).ok());
    // The trace decodes ripd's messages as it decodes ours.
    auto trace = daemon.emu({"trace", lab, "--protocol", "rip"}).out;
    CHECK(contains(trace, "10.0.12.2 → 224.0.0.9 ttl 1"));
    CHECK(contains(trace, "10.0.2.0/24 metric 1"));

    // Our LAN goes: ripd drops it at once (its own timeout would take 10 s at least).
    REQUIRE(daemon.emu({"link", lab, "emu:eth0", "down"}).ok());
    CHECK(wait_until([&] { return !contains(routes_of("peer"), "10.0.1.0/24"); }, 5s));
    // ripd's LAN goes: we drop it at once.
    REQUIRE(daemon.emu({"link", lab, "peer:eth1", "down"}).ok());
    CHECK(wait_until([&] { return !contains(routes_of("emu"), "10.0.2.0/24"); }, 5s));
    CHECK(contains(daemon.emu({"logs", lab, "emu"}).out, "rip.route_withdrawn 10.0.2.0/24 (from 10.0.12.2)"));

    // Both back: both routes come back within an update or two.
    REQUIRE(daemon.emu({"link", lab, "emu:eth0", "up"}).ok());
    REQUIRE(daemon.emu({"link", lab, "peer:eth1", "up"}).ok());
    CHECK(wait_until([&] { return std::regex_search(routes_of("peer"), frr_route); }, 15s));
    CHECK(wait_until([&] { return contains(routes_of("emu"), "10.0.2.0/24 via 10.0.12.2"); }, 15s));
    CHECK(daemon.emu({"exec", lab, "h2", "--", "ping", "-c1", "-W2", "-q", "10.0.1.10"}).ok());
    frr.stop();
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("emu-router and BIRD's RIP learn each other's networks and withdraw them at once",
          "[root][interop][routing][rip][bird]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("iripbird");
    TopologyFile topology("riprouting", kLab);
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    BirdRouter bird(daemon, lab, "peer", kBirdRip);
    auto routes_of = [&](const char* node) { return daemon.emu({"exec", lab, node, "--", "ip", "route"}).out; };
    std::regex bird_route(R"(10\.0\.1\.0/24 via 10\.0\.12\.1 dev eth0 proto bird)");
    CHECK(wait_until([&] { return std::regex_search(routes_of("peer"), bird_route); }, 15s));
    CHECK(wait_until([&] { return contains(routes_of("emu"), "10.0.2.0/24 via 10.0.12.2 dev eth1 proto rip metric 20"); },
                     15s));
    INFO(bird.log());  // as it is now: INFO takes its text when it is reached
    // BIRD's own table: our LAN at metric 2 (its 120/2), from us.
    auto table = bird.birdc("show route protocol rip1").out;
    INFO(table);
    CHECK(std::regex_search(table, std::regex(R"(10\.0\.1\.0/24 +unicast \[rip1 [^\]]*\] \* \(120/2\))")));
    CHECK(contains(daemon.emu({"logs", lab, "emu"}).out, "rip.route_learned 10.0.2.0/24 metric 2 via 10.0.12.2 eth1"));
    CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.2.10"}).ok());
    CHECK(contains(daemon.emu({"trace", lab, "--protocol", "rip"}).out, "10.0.2.0/24 metric 1"));

    // Our LAN goes: BIRD drops it at once; BIRD's goes: we drop it at once.
    REQUIRE(daemon.emu({"link", lab, "emu:eth0", "down"}).ok());
    CHECK(wait_until([&] { return !std::regex_search(routes_of("peer"), bird_route); }, 5s));
    REQUIRE(daemon.emu({"link", lab, "peer:eth1", "down"}).ok());
    CHECK(wait_until([&] { return !contains(routes_of("emu"), "10.0.2.0/24"); }, 5s));
    CHECK(contains(daemon.emu({"logs", lab, "emu"}).out, "rip.route_withdrawn 10.0.2.0/24 (from 10.0.12.2)"));

    // Both back: both routes come back within an update or two.
    REQUIRE(daemon.emu({"link", lab, "emu:eth0", "up"}).ok());
    REQUIRE(daemon.emu({"link", lab, "peer:eth1", "up"}).ok());
    CHECK(wait_until([&] { return std::regex_search(routes_of("peer"), bird_route); }, 15s));
    CHECK(wait_until([&] { return contains(routes_of("emu"), "10.0.2.0/24 via 10.0.12.2"); }, 15s));
    CHECK(daemon.emu({"exec", lab, "h2", "--", "ping", "-c1", "-W2", "-q", "10.0.1.10"}).ok());
    bird.stop();
    REQUIRE(daemon.emu({"down", lab}).ok());
}
