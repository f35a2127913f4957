// emu-router and FRR's ospfd as OSPF neighbours: over a point-to-point link, and on a LAN
// where FRR (priority 10) is the designated router. Each side's adjacency reaches Full, each
// learns the other's LAN into its kernel table as `proto ospf`, hosts behind them reach each
// other, and the trace shows both routers' packets. Needs root and the `frr` package.
#include <catch2/catch.hpp>

#include <regex>

#include <fmt/format.h>

#include "tests/integration/harness.hpp"
#include "tests/interop/frr_router.hpp"

using namespace emu::test;
using namespace std::chrono_literals;

namespace {

// h1 - lan1 - emu ==(link or LAN)== frr - lan2 - h2. `{middle}` is either the two routers'
// link or their LAN.
std::string lab_yaml(bool on_a_lan) {
    return fmt::format(R"(name: ospfpeer
nodes:
  lan1: {{kind: switch}}
  lan2: {{kind: switch}}
  lan12: {{kind: switch}}
  h1: {{interfaces: {{eth0: 10.0.1.10/24}}, gateway: 10.0.1.1}}
  h2: {{interfaces: {{eth0: 10.0.2.10/24}}, gateway: 10.0.2.1}}
  emu:
    kind: router
    interfaces: {{eth0: 10.0.1.1/24, eth1: 10.0.12.1/24}}
    services: {{ospf: {{router_id: 10.0.255.1, hello: 1, dead: 4, min_ls_interval: 0, min_ls_arrival: 0, passive: [eth0]}}}}
  frr:
    kind: router
    interfaces: {{eth0: 10.0.12.2/24, eth1: 10.0.2.1/24}}
links:
  - endpoints: [h1:eth0, lan1]
  - endpoints: [emu:eth0, lan1]
{}
  - endpoints: [frr:eth1, lan2]
  - endpoints: [h2:eth0, lan2]
)",
                       on_a_lan ? "  - endpoints: [emu:eth1, lan12]\n  - endpoints: [frr:eth0, lan12]"
                                : "  - endpoints: [emu:eth1, frr:eth0]");
}

// The timers FRR must share with us (§10.5), and its LSA pacing off (notes in docs/routing.md).
std::string ospfd_conf(const char* network, int priority) {
    return fmt::format(R"(interface eth0
 ip ospf network {}
 ip ospf priority {}
 ip ospf hello-interval 1
 ip ospf dead-interval 4
interface eth1
 ip ospf passive
router ospf
 ospf router-id 10.0.255.2
 network 10.0.0.0/16 area 0
 timers throttle spf 0 50 500
 timers throttle lsa all 0
 timers lsa min-arrival 0
)",
                       network, priority);
}

void routes_both_ways(TestDaemon& daemon, const std::string& lab, FrrRouter& frr) {
    auto routes_of = [&](const char* node) { return daemon.emu({"exec", lab, node, "--", "ip", "route"}).out; };
    // zebra installs through nexthop objects (`nhid N`); we install plain routes.
    std::regex frr_route(R"(10\.0\.1\.0/24 (nhid \d+ )?via 10\.0\.12\.1 dev eth0 proto ospf metric 20)");
    INFO(frr.logs());
    CHECK(wait_until([&] { return std::regex_search(routes_of("frr"), frr_route); }, 20s));
    CHECK(wait_until([&] { return contains(routes_of("emu"), "10.0.2.0/24 via 10.0.12.2 dev eth1 proto ospf metric 20"); },
                     20s));
    CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.2.10"}).ok());
    auto neighbours = frr.vtysh({"show ip ospf neighbor"}).out;
    INFO(neighbours);
    CHECK(contains(neighbours, "10.0.255.1"));
    CHECK(contains(neighbours, "Full"));
    auto database = frr.vtysh({"show ip ospf database"}).out;
    INFO(database);
    CHECK(contains(database, "10.0.255.1"));  // our router-LSA, in FRR's database
}

}  // namespace

TEST_CASE("emu-router and FRR's ospfd become Full over a point-to-point link and route each other's LANs",
          "[root][interop][routing][ospf]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("iospf");
    TopologyFile topology("ospfpeer", lab_yaml(false));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    FrrRouter frr(daemon, lab, "frr", "ospfd", ospfd_conf("point-to-point", 1));
    routes_both_ways(daemon, lab, frr);
    auto shown = daemon.emu({"exec", lab, "emu", "--", "emu-router", "show", "ospf", "neighbors"}).out;
    INFO(shown);
    CHECK(std::regex_search(shown, std::regex(R"(10\.0\.255\.2 +1 +Full/- )")));
    auto trace = daemon.emu({"trace", lab, "--protocol", "ospf"}).out;
    CHECK(contains(trace, "OSPF Hello"));
    CHECK(contains(trace, "OSPF DBD"));
    CHECK(contains(trace, "OSPF LSU router-LSA 10.0.255.2"));
    CHECK(contains(trace, "OSPF LSU router-LSA 10.0.255.1"));
    frr.stop();
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("on a LAN with FRR's ospfd as DR, emu-router is its BDR, both are Full and route each other's LANs",
          "[root][interop][routing][ospf]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("iospflan");
    TopologyFile topology("ospfpeer", lab_yaml(true));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    FrrRouter frr(daemon, lab, "frr", "ospfd", ospfd_conf("broadcast", 10));
    routes_both_ways(daemon, lab, frr);
    auto shown = daemon.emu({"exec", lab, "emu", "--", "emu-router", "show", "ospf", "neighbors"}).out;
    INFO(shown);
    CHECK(std::regex_search(shown, std::regex(R"(10\.0\.255\.2 +10 +Full/DR )")));
    CHECK(contains(frr.vtysh({"show ip ospf neighbor"}).out, "Full/Backup"));
    // FRR, as DR, originated the LAN's network-LSA, which we hold.
    auto database = daemon.emu({"exec", lab, "emu", "--", "emu-router", "show", "ospf", "database"}).out;
    INFO(database);
    CHECK(std::regex_search(database, std::regex(R"(10\.0\.12\.2 +10\.0\.255\.2 .*routers)")));
    frr.stop();
    REQUIRE(daemon.emu({"down", lab}).ok());
}
