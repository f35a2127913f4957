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

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("RIP routers fill each other's kernel tables, hosts reach across them, and a cut link's routes go",
          "[root][routing][rip]") {
    TestDaemon daemon;
    auto file = write_topology("ripline", kRipLine);
    auto lab = daemon.lab_name("rip");
    REQUIRE(daemon.emu({"up", file, "--name", lab}).ok());
    auto routes_of = [&](const char* node) { return daemon.emu({"exec", lab, node, "--", "ip", "route"}).out; };

    CHECK(wait_until([&] { return has(routes_of("r1"), "10.0.3.0/24 via 10.0.12.2 dev eth1 proto rip metric 20"); }, 10s));
    CHECK(wait_until([&] { return has(routes_of("r3"), "10.0.1.0/24 via 10.0.23.2 dev eth1 proto rip metric 20"); }, 10s));
    auto r2 = routes_of("r2");
    CHECK(has(r2, "10.0.1.0/24 via 10.0.12.1 dev eth0 proto rip"));
    CHECK(has(r2, "10.0.3.0/24 via 10.0.23.3 dev eth1 proto rip"));
    // Nothing but RIP's winners is ours: the connected networks stay the kernel's.
    CHECK_FALSE(has(r2, "10.0.12.0/24 via"));
    CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.3.10"}).ok());

    // The trace tells the story: requests at start, responses with routes, TTL 1 to 224.0.0.9.
    auto trace = daemon.emu({"trace", lab, "--protocol", "rip"}).out;
    CHECK(has(trace, "10.0.12.1 → 224.0.0.9 ttl 1"));
    CHECK(has(trace, "RIP request whole table"));
    CHECK(has(trace, "RIP response 1 route: 10.0.1.0/24 metric 1"));
    CHECK(has(trace, "10.0.3.0/24 metric 2"));  // r2 passing r3's LAN on to r1
    // And the log says what the router learned and put in the kernel.
    auto log = daemon.emu({"logs", lab, "r1"}).out;
    CHECK(has(log, "rip.route_learned 10.0.3.0/24 metric 3 via 10.0.12.2 eth1"));
    CHECK(has(log, "rib.installed 10.0.3.0/24 via 10.0.12.2 eth1 (rip metric 3)"));

    // The running daemon explains its choices: the RIB with the kernel's routes marked, and
    // RIP's distance vector with each route's source and timer.
    auto shown_routes = daemon.emu({"exec", lab, "r1", "--", "emu-router", "show", "routes"});
    INFO(shown_routes.out << shown_routes.err);
    CHECK(std::regex_search(shown_routes.out, std::regex(R"(R>\* +10\.0\.3\.0/24 +\[120/3\] +via 10\.0\.12\.2, eth1)")));
    CHECK(std::regex_search(shown_routes.out, std::regex(R"(C> +10\.0\.1\.0/24 +\[0/0\] +directly connected, eth0)")));
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
    CHECK(has(nobody.err, "no emu-router runs in this node"));

    // Cut r2–r3: r2's eth1 loses its carrier, so r2 takes what it learned there as lost at
    // once and poisons it towards r1, which takes it out of its kernel table — long before
    // any timeout.
    REQUIRE(daemon.emu({"link", lab, "r3:eth1", "down"}).ok());
    CHECK(wait_until([&] { return !has(routes_of("r1"), "10.0.3.0/24"); }, 5s));
    CHECK(has(daemon.emu({"logs", lab, "r2"}).out, "router.link_down eth1"));
    CHECK(has(daemon.emu({"logs", lab, "r2"}).out, "rip.route_lost 10.0.3.0/24 (eth1 down)"));
    CHECK(has(daemon.emu({"logs", lab, "r1"}).out, "rip.route_withdrawn 10.0.3.0/24 (from 10.0.12.2)"));
    CHECK_FALSE(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W1", "-q", "10.0.3.10"}).ok());
    // Back up: both ends ask for the other's table at once, and the route is back.
    REQUIRE(daemon.emu({"link", lab, "r3:eth1", "up"}).ok());
    CHECK(wait_until([&] { return has(routes_of("r1"), "10.0.3.0/24 via 10.0.12.2"); }, 10s));
    CHECK(has(daemon.emu({"logs", lab, "r2"}).out, "router.link_up eth1"));
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("the RIP ring scenario converges, reroutes the long way round a cut link, and heals",
          "[root][routing][rip][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("ring");
    auto run = daemon.emu({"run", EMU_SOURCE_DIR "/topologies/rip-ring/reroute.scenario.yaml", "--name", lab,
                           "--pcapng", (daemon.state_dir() / "ring.pcapng").string()});
    INFO(run.out << run.err);
    CHECK(run.ok());
    CHECK(has(run.out, "PASSED: 14 passed"));
}
