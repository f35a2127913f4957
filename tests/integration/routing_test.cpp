// emu-router in real labs: RIP routes reach the kernel as `proto rip`, packets follow them,
// the trace shows the exchange, and a cut link's routes go at once and come back with it.
#include <catch2/catch.hpp>

#include <regex>

#include <nlohmann/json.hpp>

#include "tests/integration/harness.hpp"

using namespace emu::test;
using namespace std::chrono_literals;

namespace {

// h1 - r1 - r2 - r3 - h3, RIP on every router with updates every second; the 30 s timeout
// is long so that a route that goes sooner can only have gone by a link event.
const char* kRipLine = R"(name: ripline
nodes:
  lan1: {kind: switch}
  lan3: {kind: switch}
  h1: {interfaces: {eth0: 10.0.1.10/24}, gateway: 10.0.1.1}
  h3: {interfaces: {eth0: 10.0.3.10/24}, gateway: 10.0.3.1}
  r1:
    kind: router
    interfaces: {eth0: 10.0.1.1/24, eth1: 10.0.12.1/24}
    services: {rip: {update: 1, timeout: 30, garbage: 2, passive: [eth0]}}
  r2:
    kind: router
    interfaces: {eth0: 10.0.12.2/24, eth1: 10.0.23.2/24}
    services: {rip: {update: 1, timeout: 30, garbage: 2}}
  r3:
    kind: router
    interfaces: {eth0: 10.0.3.1/24, eth1: 10.0.23.3/24}
    services: {rip: {update: 1, timeout: 30, garbage: 2, passive: [eth0]}}
links:
  - endpoints: [h1:eth0, lan1]
  - endpoints: [r1:eth0, lan1]
  - endpoints: [r1:eth1, r2:eth0]
  - endpoints: [r2:eth1, r3:eth1]
  - endpoints: [r3:eth0, lan3]
  - endpoints: [h3:eth0, lan3]
)";

// Runs a scenario from topologies/ on a lab of its own, its frames kept with the test's
// state; every check of it must pass.
void run_shipped_scenario(const std::string& path, const std::string& base, int checks) {
    TestDaemon daemon;
    auto lab = daemon.lab_name(base);
    auto run = daemon.emu({"run", std::string(EMU_SOURCE_DIR "/topologies/") + path, "--name", lab, "--pcapng",
                           (daemon.state_dir() / (base + ".pcapng")).string()});
    INFO(run.out << run.err);
    CHECK(run.ok());
    CHECK(contains(run.out, "PASSED: " + std::to_string(checks) + " passed"));
}

}  // namespace

TEST_CASE("RIP routers fill each other's kernel tables, hosts reach across them, and a cut link's routes go",
          "[root][routing][rip]") {
    TestDaemon daemon;
    auto file = write_topology("ripline", kRipLine);
    auto lab = daemon.lab_name("rip");
    REQUIRE(daemon.emu({"up", file, "--name", lab}).ok());
    auto routes_of = [&](const char* node) { return daemon.emu({"exec", lab, node, "--", "ip", "route"}).out; };

    CHECK(wait_until([&] { return contains(routes_of("r1"), "10.0.3.0/24 via 10.0.12.2 dev eth1 proto rip metric 20"); }, 10s));
    CHECK(wait_until([&] { return contains(routes_of("r3"), "10.0.1.0/24 via 10.0.23.2 dev eth1 proto rip metric 20"); }, 10s));
    auto r2 = routes_of("r2");
    CHECK(contains(r2, "10.0.1.0/24 via 10.0.12.1 dev eth0 proto rip"));
    CHECK(contains(r2, "10.0.3.0/24 via 10.0.23.3 dev eth1 proto rip"));
    // Nothing but RIP's winners is ours: the connected networks stay the kernel's.
    CHECK_FALSE(contains(r2, "10.0.12.0/24 via"));
    CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.3.10"}).ok());

    // The trace tells the story: requests at start, responses with routes, TTL 1 to 224.0.0.9.
    auto trace = daemon.emu({"trace", lab, "--protocol", "rip"}).out;
    CHECK(contains(trace, "10.0.12.1 → 224.0.0.9 ttl 1"));
    CHECK(contains(trace, "RIP request whole table"));
    CHECK(contains(trace, "RIP response 1 route: 10.0.1.0/24 metric 1"));
    CHECK(contains(trace, "10.0.3.0/24 metric 2"));  // r2 passing r3's LAN on to r1
    // And the log says what the router learned and put in the kernel.
    auto log = daemon.emu({"logs", lab, "r1"}).out;
    CHECK(contains(log, "rip.route_learned 10.0.3.0/24 metric 3 via 10.0.12.2 eth1"));
    CHECK(contains(log, "rib.installed 10.0.3.0/24 via 10.0.12.2 eth1 (rip metric 3)"));

    // The running daemon explains its choices: the RIB with the kernel's routes marked, and
    // RIP's distance vector with each route's source and timer.
    auto shown_routes = daemon.emu({"exec", lab, "r1", "--", "emu-router", "show", "routes"});
    INFO(shown_routes.out << shown_routes.err);
    CHECK(std::regex_search(shown_routes.out, std::regex(R"(R>\* +10\.0\.3\.0/24 +\[120/3\] +via 10\.0\.12\.2, eth1)")));
    CHECK(std::regex_search(shown_routes.out, std::regex(R"(C>\* +10\.0\.1\.0/24 +\[0/0\] +directly connected, eth0)")));
    auto shown_rip = daemon.emu({"exec", lab, "r2", "--", "emu-router", "show", "rip"});
    INFO(shown_rip.out << shown_rip.err);
    CHECK(std::regex_search(shown_rip.out, std::regex(R"(10\.0\.3\.0/24 +2 +10\.0\.23\.3 +10\.0\.23\.3 +eth1 +times out in)")));
    CHECK(std::regex_search(shown_rip.out, std::regex(R"(10\.0\.12\.1 on eth0: last heard)")));
    auto as_json = nlohmann::json::parse(daemon.emu({"exec", lab, "r2", "--", "emu-router", "show", "rip", "--json"}).out,
                                         nullptr, false);
    REQUIRE(as_json.is_object());
    CHECK(as_json["timers"]["update"] == 1.0);
    // Where no router runs, the command says so.
    auto nobody = daemon.emu({"exec", lab, "h1", "--", "emu-router", "show", "routes"});
    CHECK(nobody.exit_code == 1);
    CHECK(contains(nobody.err, "no emu-router runs in this node"));

    // Cut r2–r3: r2's eth1 loses its carrier, so r2 takes what it learned there as lost at
    // once and poisons it towards r1, which takes it out of its kernel table — long before
    // any timeout.
    REQUIRE(daemon.emu({"link", lab, "r3:eth1", "down"}).ok());
    CHECK(wait_until([&] { return !contains(routes_of("r1"), "10.0.3.0/24"); }, 5s));
    CHECK(contains(daemon.emu({"logs", lab, "r2"}).out, "router.link_down eth1"));
    CHECK(contains(daemon.emu({"logs", lab, "r2"}).out, "rip.route_lost 10.0.3.0/24 (eth1 down)"));
    CHECK(contains(daemon.emu({"logs", lab, "r1"}).out, "rip.route_withdrawn 10.0.3.0/24 (from 10.0.12.2)"));
    // Each asks the neighbours it has left for a way round (none here), not its passive LAN.
    CHECK(contains(daemon.emu({"logs", lab, "r2"}).out, "rip.tables_requested on eth0 (a route was lost)"));
    CHECK(contains(daemon.emu({"logs", lab, "r1"}).out, "rip.tables_requested on eth1 (a route was lost)"));
    CHECK_FALSE(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W1", "-q", "10.0.3.10"}).ok());
    // Back up: both ends ask for the other's table at once, and the route is back.
    REQUIRE(daemon.emu({"link", lab, "r3:eth1", "up"}).ok());
    CHECK(wait_until([&] { return contains(routes_of("r1"), "10.0.3.0/24 via 10.0.12.2"); }, 10s));
    CHECK(contains(daemon.emu({"logs", lab, "r2"}).out, "router.link_up eth1"));
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("the RIP ring scenario converges, reroutes the long way round a cut link, and heals",
          "[root][routing][rip][scenario]") {
    run_shipped_scenario("rip-ring/reroute.scenario.yaml", "ring", 16);
}

namespace {

// h1 - r1, r1 to r2 and to r3, both to r4, r4 - h4: two paths of equal cost from r1 to h4's
// LAN. r4 runs RIP too (nobody to talk to): one emu-router runs both. r3 has a static route
// to h4's LAN, which its RIB prefers to OSPF's.
const char* kOspfSquare = R"(name: ospfsquare
nodes:
  lan1: {kind: switch}
  lan4: {kind: switch}
  h1: {interfaces: {eth0: 10.0.1.10/24}, gateway: 10.0.1.1}
  h4: {interfaces: {eth0: 10.0.4.10/24}, gateway: 10.0.4.1}
  r1:
    kind: router
    interfaces: {eth0: 10.0.1.1/24, eth1: 10.0.12.1/24, eth2: 10.0.13.1/24}
    services: {ospf: {hello: 1, dead: 4, min_ls_interval: 0, min_ls_arrival: 0, passive: [eth0]}}
  r2:
    kind: router
    interfaces: {eth0: 10.0.12.2/24, eth1: 10.0.24.2/24}
    services: {ospf: {hello: 1, dead: 4, min_ls_interval: 0, min_ls_arrival: 0}}
  r3:
    kind: router
    interfaces: {eth0: 10.0.13.3/24, eth1: 10.0.34.3/24}
    routes: [{to: 10.0.4.0/24, via: 10.0.34.4}]
    services: {ospf: {hello: 1, dead: 4, min_ls_interval: 0, min_ls_arrival: 0}}
  r4:
    kind: router
    interfaces: {eth0: 10.0.4.1/24, eth1: 10.0.24.4/24, eth2: 10.0.34.4/24}
    services:
      rip: {passive: [eth0, eth1, eth2]}
      ospf: {hello: 1, dead: 4, min_ls_interval: 0, min_ls_arrival: 0, passive: [eth0]}
links:
  - endpoints: [h1:eth0, lan1]
  - endpoints: [r1:eth0, lan1]
  - endpoints: [r1:eth1, r2:eth0]
  - endpoints: [r1:eth2, r3:eth0]
  - endpoints: [r2:eth1, r4:eth1]
  - endpoints: [r3:eth1, r4:eth2]
  - endpoints: [r4:eth0, lan4]
  - endpoints: [h4:eth0, lan4]
)";

}  // namespace

TEST_CASE("OSPF routers fill their kernel tables with both equal-cost paths, and a cut link leaves the other",
          "[root][routing][ospf]") {
    TestDaemon daemon;
    auto file = write_topology("ospfsquare", kOspfSquare);
    auto lab = daemon.lab_name("ospf");
    REQUIRE(daemon.emu({"up", file, "--name", lab}).ok());
    auto route_to_lan4 = [&] { return daemon.emu({"exec", lab, "r1", "--", "ip", "route", "show", "10.0.4.0/24"}).out; };

    // Two next hops in one kernel route (RTA_MULTIPATH), as `ip route` shows them.
    CHECK(wait_until([&] {
        auto route = route_to_lan4();
        return contains(route, "proto ospf metric 20") && contains(route, "nexthop via 10.0.12.2 dev eth1") &&
               contains(route, "nexthop via 10.0.13.3 dev eth2");
    }, 15s));
    CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.4.10"}).ok());
    auto routes = daemon.emu({"exec", lab, "r1", "--", "emu-router", "show", "routes"}).out;
    INFO(routes);
    CHECK(std::regex_search(routes, std::regex(R"(O>\* +10\.0\.4\.0/24 +\[110/30\] +via 10\.0\.12\.2, eth1\n +via 10\.0\.13\.3, eth2)")));
    auto log = daemon.emu({"logs", lab, "r1"}).out;
    CHECK(contains(log, "ospf.adjacency_full"));
    CHECK(contains(log, "rib.installed 10.0.4.0/24 via 10.0.12.2 eth1, 10.0.13.3 eth2 (ospf metric 30)"));
    CHECK(contains(daemon.emu({"trace", lab, "--protocol", "ospf"}).out, "OSPF LSU router-LSA"));

    // r4 runs RIP and OSPF in one emu-router.
    CHECK(process_pid(daemon, lab, "r4", "rip") != 0);
    CHECK(process_pid(daemon, lab, "r4", "ospf") == 0);
    CHECK(daemon.emu({"exec", lab, "r4", "--", "emu-router", "show", "rip"}).ok());
    CHECK(contains(daemon.emu({"exec", lab, "r4", "--", "emu-router", "show", "ospf", "neighbors"}).out, "Full"));

    // r3's static route wins (distance 1 against 110): the kernel keeps emud's, OSPF's stays out.
    auto r3_routes = daemon.emu({"exec", lab, "r3", "--", "emu-router", "show", "routes"}).out;
    INFO(r3_routes);
    CHECK(std::regex_search(r3_routes, std::regex(R"(S>\* +10\.0\.4\.0/24 +\[1/0\] +via 10\.0\.34\.4, eth1\n)"
                                                  R"(O +10\.0\.4\.0/24 +\[110/20\] +via 10\.0\.34\.4, eth1)")));
    auto r3_kernel = daemon.emu({"exec", lab, "r3", "--", "ip", "route", "show", "10.0.4.0/24"}).out;
    CHECK(contains(r3_kernel, "proto static"));
    CHECK_FALSE(contains(r3_kernel, "proto ospf"));

    // Cut r1–r2: r1 sees it at once; only the path by r3 is left.
    REQUIRE(daemon.emu({"link", lab, "r2:eth0", "down"}).ok());
    CHECK(wait_until([&] {
        auto route = route_to_lan4();
        return contains(route, "10.0.4.0/24 via 10.0.13.3 dev eth2 proto ospf") && !contains(route, "10.0.12.2");
    }, 10s));
    CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.4.10"}).ok());
    REQUIRE(daemon.emu({"link", lab, "r2:eth0", "up"}).ok());
    CHECK(wait_until([&] { return contains(route_to_lan4(), "nexthop via 10.0.12.2 dev eth1"); }, 15s));
    REQUIRE(daemon.emu({"down", lab}).ok());
}

namespace {

// r1 reaches r2 both over a point-to-point link (cost 10) and across a LAN (10, then 0 from
// the network to r2): h2's LAN behind r2 is 20 away either way. RFC 2328 §16.1 (3) takes the
// LAN off the candidate list before r2, so both paths survive into the kernel.
const char* kOspfTriangle = R"(name: ospftriangle
nodes:
  lan0: {kind: switch}
  lan2: {kind: switch}
  h2: {interfaces: {eth0: 10.0.2.10/24}, gateway: 10.0.2.1}
  r1:
    kind: router
    interfaces: {eth0: 10.0.0.1/24, eth1: 10.0.12.1/24}
    services: {ospf: {hello: 1, dead: 4, min_ls_interval: 0, min_ls_arrival: 0}}
  r2:
    kind: router
    interfaces: {eth0: 10.0.0.2/24, eth1: 10.0.12.2/24, eth2: 10.0.2.1/24}
    services: {ospf: {hello: 1, dead: 4, min_ls_interval: 0, min_ls_arrival: 0, passive: [eth2]}}
links:
  - endpoints: [r1:eth0, lan0]
  - endpoints: [r2:eth0, lan0]
  - endpoints: [r1:eth1, r2:eth1]
  - endpoints: [r2:eth2, lan2]
  - endpoints: [h2:eth0, lan2]
)";

}  // namespace

TEST_CASE("OSPF keeps a router's equal-cost paths over a point-to-point link and across a LAN",
          "[root][routing][ospf]") {
    TestDaemon daemon;
    auto file = write_topology("ospftriangle", kOspfTriangle);
    auto lab = daemon.lab_name("ospftri");
    REQUIRE(daemon.emu({"up", file, "--name", lab}).ok());
    std::string route;
    CHECK(wait_until([&] {
        route = daemon.emu({"exec", lab, "r1", "--", "ip", "route", "show", "10.0.2.0/24"}).out;
        return contains(route, "nexthop via 10.0.0.2 dev eth0") && contains(route, "nexthop via 10.0.12.2 dev eth1");
    }, 20s));
    INFO(route);
    CHECK(contains(route, "proto ospf"));
    CHECK(contains(daemon.emu({"logs", lab, "r1"}).out, "rib.installed 10.0.2.0/24 via 10.0.0.2 eth0, 10.0.12.2 eth1"));
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("the OSPF mesh scenario converges with equal-cost paths, loses one to a cut link and gets it back",
          "[root][routing][ospf][scenario]") {
    run_shipped_scenario("ospf-mesh/reconverge.scenario.yaml", "mesh", 14);
}

TEST_CASE("the CIDR scenario shows the longest prefix winning in traceroute, then the shorter one alone",
          "[root][routing][scenario]") {
    run_shipped_scenario("cidr/longest-prefix.scenario.yaml", "cidr", 15);
}
