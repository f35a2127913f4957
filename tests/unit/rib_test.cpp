// emu-router's RIB: the winner for each destination by administrative distance, then metric;
// only the routing protocols' winners go to the kernel, and each change to them comes out
// once, as what the kernel's table must do.
#include <catch2/catch.hpp>

#include "nodes/router/rib.hpp"

using namespace emu::router;
using emu::wire::Ipv4Address;
using emu::wire::Ipv4Prefix;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

RibRoute route(const char* network, int length, std::uint32_t metric, const char* gateway, const char* interface) {
    return RibRoute{Ipv4Prefix{ip(network), length}, RouteSource::static_route, metric, {{ip(gateway), interface}}};
}

}  // namespace

TEST_CASE("The RIB prefers connected to static to OSPF to RIP, then the lower metric", "[rib]") {
    CHECK(administrative_distance(RouteSource::connected) < administrative_distance(RouteSource::static_route));
    CHECK(administrative_distance(RouteSource::static_route) < administrative_distance(RouteSource::ospf));
    CHECK(administrative_distance(RouteSource::ospf) < administrative_distance(RouteSource::rip));

    Rib rib;
    const Ipv4Prefix lan{ip("10.0.5.0"), 24};
    auto changes = rib.set_routes(RouteSource::rip, {route("10.0.5.0", 24, 3, "10.0.12.2", "eth0")});
    REQUIRE(changes.size() == 1);
    REQUIRE(changes[0].route);
    CHECK(changes[0].route->source == RouteSource::rip);
    CHECK(changes[0].route->next_hops[0].gateway == ip("10.0.12.2"));

    // OSPF knows it too, with a larger metric: OSPF still wins, and replaces RIP's in the kernel.
    changes = rib.set_routes(RouteSource::ospf, {route("10.0.5.0", 24, 30, "10.0.13.3", "eth1")});
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].route->source == RouteSource::ospf);
    CHECK(rib.candidates().at(lan).size() == 2);
    CHECK(rib.candidates().at(lan)[1].source == RouteSource::rip);

    // A static route for it (emud put it in the kernel): ours comes out of the kernel.
    changes = rib.set_routes(RouteSource::static_route, {route("10.0.5.0", 24, 0, "10.0.14.4", "eth2")});
    REQUIRE(changes.size() == 1);
    CHECK_FALSE(changes[0].route);
    CHECK(rib.installed().empty());
    CHECK(rib.best(lan)->source == RouteSource::static_route);

    // Gone again: OSPF's goes back in. RIP changing underneath changes nothing in the kernel.
    changes = rib.set_routes(RouteSource::static_route, {});
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].route->source == RouteSource::ospf);
    CHECK(rib.set_routes(RouteSource::rip, {route("10.0.5.0", 24, 2, "10.0.12.2", "eth0")}).empty());
    CHECK(rib.set_routes(RouteSource::ospf, {route("10.0.5.0", 24, 30, "10.0.13.3", "eth1")}).empty());  // the same

    // OSPF loses it: RIP's is installed in its place; RIP loses it: it leaves the kernel.
    changes = rib.set_routes(RouteSource::ospf, {});
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].route->source == RouteSource::rip);
    changes = rib.set_routes(RouteSource::rip, {});
    REQUIRE(changes.size() == 1);
    CHECK_FALSE(changes[0].route);
    CHECK_FALSE(rib.best(lan));
    CHECK(rib.candidates().empty());
}

TEST_CASE("Equal-cost next hops are one route, whatever order they come in", "[rib]") {
    Rib rib;
    auto both = route("10.0.5.0", 24, 20, "10.0.12.2", "eth0");
    both.next_hops.push_back({ip("10.0.13.3"), "eth1"});
    auto changes = rib.set_routes(RouteSource::ospf, {both});
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].route->next_hops.size() == 2);
    std::swap(both.next_hops[0], both.next_hops[1]);
    CHECK(rib.set_routes(RouteSource::ospf, {both}).empty());
    both.next_hops.pop_back();
    CHECK(rib.set_routes(RouteSource::ospf, {both}).size() == 1);
    // A route given with host bits set is kept under its network.
    CHECK(rib.set_routes(RouteSource::rip, {route("10.0.6.7", 24, 2, "10.0.12.2", "eth0")})[0].destination ==
          Ipv4Prefix{ip("10.0.6.0"), 24});
}
