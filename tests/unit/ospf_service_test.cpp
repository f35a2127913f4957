// `services: ospf:` in a topology: the configuration emu-router is given (network types
// from the links, costs, priorities, timers, the router ID), that emu-router reads it back
// into the engine's settings, that mistakes are refused with where and why, and that RIP
// and OSPF on one router make one emu-router.
#include <catch2/catch.hpp>

#include "emud/topology/loader.hpp"
#include "nodes/router/router_config.hpp"

using namespace emu;
using namespace emu::topology;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// r1: eth0 on a LAN, eth1 straight to r2.
std::string lab_with(const std::string& services) {
    return R"(name: o
nodes:
  lan: {kind: switch}
  r1:
    kind: router
    interfaces: {eth0: 10.0.1.1/24, eth1: 10.0.12.1/24}
    services:
)" + services + R"(
  r2: {kind: router, interfaces: {eth0: 10.0.12.2/24}}
links:
  - endpoints: [r1:eth0, lan]
  - endpoints: [r1:eth1, r2:eth0]
)";
}

Lab loaded(const std::string& services) {
    auto lab = load_topology(lab_with(services), LoadOptions{"o.yaml", {}});
    if (!lab) FAIL(format_all(lab.error(), "o.yaml"));
    return *lab;
}

std::string refused(const std::string& services) {
    auto lab = load_topology(lab_with(services), LoadOptions{"o.yaml", {}});
    if (lab) FAIL("accepted: " << services);
    return format_all(lab.error(), "o.yaml");
}

}  // namespace

TEST_CASE("ospf with no settings: every interface, point-to-point to a node, broadcast onto a switch, RFC timers",
          "[topology][ospf]") {
    auto lab = loaded("      ospf: {}");
    const auto& service = lab.find_node("r1")->services.at(0);
    auto router = router::router_config_from_json(service.program_config);
    REQUIRE(router.ospf);
    const auto& ospf = *router.ospf;
    CHECK(ospf.router_id == *wire::Ipv4Address::parse("10.0.12.1"));  // the highest address
    REQUIRE(ospf.interfaces.size() == 2);
    CHECK(ospf.interfaces[0].name == "eth0");
    CHECK(ospf.interfaces[0].type == router::OspfNetworkType::broadcast);
    CHECK(ospf.interfaces[1].type == router::OspfNetworkType::point_to_point);
    CHECK(ospf.interfaces[1].hello_interval == 10);
    CHECK(ospf.interfaces[1].dead_interval == 40);
    CHECK(ospf.interfaces[1].cost == 10);
    CHECK(ospf.min_ls_interval == 5000ms);
    CHECK_FALSE(router.rip);
}

TEST_CASE("ospf's router ID, timers, passive interfaces and per-interface cost, priority and network reach emu-router",
          "[topology][ospf]") {
    auto lab = loaded("      ospf: {router_id: 1.1.1.1, hello: 1, dead: 3, passive: [eth0], cost: {eth1: 25}, "
                      "priority: 0, network: {eth1: broadcast}, min_ls_interval: 0, min_ls_arrival: 200ms}");
    auto router = router::router_config_from_json(lab.find_node("r1")->services.at(0).program_config);
    REQUIRE(router.ospf);
    const auto& ospf = *router.ospf;
    CHECK(ospf.router_id == *wire::Ipv4Address::parse("1.1.1.1"));
    CHECK(ospf.min_ls_interval == 0ms);
    CHECK(ospf.min_ls_arrival == 200ms);
    CHECK(ospf.interfaces[0].passive);
    CHECK(ospf.interfaces[0].cost == 10);
    CHECK(ospf.interfaces[0].priority == 0);
    CHECK(ospf.interfaces[1].cost == 25);
    CHECK(ospf.interfaces[1].type == router::OspfNetworkType::broadcast);
    CHECK(ospf.interfaces[1].hello_interval == 1);
    CHECK(ospf.interfaces[1].dead_interval == 3);
}

TEST_CASE("ospf mistakes are refused with where and why", "[topology][ospf]") {
    CHECK(refused("      ospf: {hello: 1.5}").find("`hello` must be a whole number of seconds") != std::string::npos);
    CHECK(refused("      ospf: {hello: 5, dead: 5}").find("`dead` interval must be longer") != std::string::npos);
    CHECK(refused("      ospf: {cost: {eth9: 5}}").find("'r1' has no interface 'eth9'") != std::string::npos);
    CHECK(refused("      ospf: {network: {eth1: nbma}}").find("broadcast or point-to-point") != std::string::npos);
    CHECK(refused("      ospf: {router_id: 0.0.0.0}").find("`router_id` is an IPv4 address") != std::string::npos);
    CHECK(refused("      ospf: {area: 1}").find("unknown key 'area'") != std::string::npos);
    CHECK(refused("      ospf: {priority: 300}").find("from 0 (never DR) to 255") != std::string::npos);
}

TEST_CASE("rip and ospf on one router make one emu-router that runs both", "[topology][ospf][rip]") {
    auto lab = loaded("      rip: {update: 5, timeout: 30, garbage: 20}\n      ospf: {hello: 1}");
    const auto& services = lab.find_node("r1")->services;
    REQUIRE(services.size() == 2);
    CHECK(services[0].name == "rip");
    CHECK(services[0].runs_in.empty());
    CHECK(services[1].name == "ospf");
    CHECK(services[1].runs_in == "rip");  // nothing of its own is started
    auto router = router::router_config_from_json(services[0].program_config);
    CHECK(router.rip);
    REQUIRE(router.ospf);
    CHECK(router.ospf->interfaces.size() == 2);
}

TEST_CASE("a router's static routes and gateway reach emu-router, offered by the interface that holds each gateway",
          "[topology][ospf][static]") {
    auto lab = load_topology(R"(name: o
nodes:
  lan: {kind: switch}
  r1:
    kind: router
    interfaces: {eth0: 10.0.1.1/24, eth1: 10.0.12.1/24}
    gateway: 10.0.1.254
    routes: [{to: 10.9.0.0/16, via: 10.0.12.2, metric: 30}]
    services: {ospf: {}}
  r2: {kind: router, interfaces: {eth0: 10.0.12.2/24}}
links:
  - endpoints: [r1:eth0, lan]
  - endpoints: [r1:eth1, r2:eth0]
)",
                             LoadOptions{"o.yaml", {}});
    if (!lab) FAIL(format_all(lab.error(), "o.yaml"));
    const auto& config = lab->find_node("r1")->services.at(0).program_config;
    INFO(config.dump());
    CHECK(config.at("static_routes").size() == 2);
    auto router = router::router_config_from_json(config);
    REQUIRE(router.static_routes.size() == 2);
    const router::StaticRouteConfig to_site{*wire::Ipv4Prefix::parse("10.9.0.0/16"), *wire::Ipv4Address::parse("10.0.12.2"),
                                           30};
    CHECK(std::find(router.static_routes.begin(), router.static_routes.end(), to_site) != router.static_routes.end());

    auto both = router::usable_static_routes(router.static_routes, router.interfaces, {"eth0", "eth1"});
    REQUIRE(both.size() == 2);
    for (const auto& route : both) {
        CHECK(route.source == router::RouteSource::static_route);
        CHECK(route.next_hops.at(0).interface == (route.destination.length == 0 ? "eth0" : "eth1"));
    }
    // eth1 down: the route by r2 is not offered; the default route by the LAN still is.
    auto one = router::usable_static_routes(router.static_routes, router.interfaces, {"eth0"});
    REQUIRE(one.size() == 1);
    CHECK(one[0].destination.length == 0);

    CHECK_THROWS_AS(router::router_config_from_json(
                        json{{"interfaces", json::array()}, {"static_routes", json::array({{{"to", "10.9.0.0/16"}}})}}),
                    std::invalid_argument);
    CHECK_THROWS_AS(router::router_config_from_json(json{{"interfaces", json::array()}, {"static_routes", "x"}}),
                    std::invalid_argument);
}

TEST_CASE("a static route with the kernel metric of emu-router's own routes is refused, with where and why",
          "[topology][ospf][static]") {
    auto lab = load_topology(R"(name: o
nodes:
  r1:
    kind: router
    interfaces: {eth0: 10.0.12.1/24}
    routes: [{to: 10.9.0.0/16, via: 10.0.12.2, metric: 20}]
    services: {rip: {}}
  r2: {kind: router, interfaces: {eth0: 10.0.12.2/24}}
links:
  - endpoints: [r1:eth0, r2:eth0]
)",
                             LoadOptions{"o.yaml", {}});
    REQUIRE_FALSE(lab);
    auto text = format_all(lab.error(), "o.yaml");
    CHECK(text.find("o.yaml:6:") != std::string::npos);
    CHECK(text.find("metric 20") != std::string::npos);
}
