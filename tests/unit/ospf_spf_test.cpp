// OSPF's shortest-path tree (RFC 2328 §16.1) on small drawn areas: the cost of each route,
// the next hop a router's own LSAs name, every equal-cost path, a transit network crossed at
// the far router's own address, links only one end describes left out, flushed LSAs unused.
#include <catch2/catch.hpp>

#include "nodes/router/ospf_spf.hpp"

using namespace emu;
using namespace emu::router;
using wire::Ipv4Address;
using wire::Ipv4Prefix;
using wire::Lsa;
using wire::RouterLink;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
Ipv4Prefix prefix(const char* text) { return *Ipv4Prefix::parse(text); }

RouterLink point_to_point(const char* neighbour, const char* own_address, std::uint16_t metric) {
    return {ip(neighbour), ip(own_address), RouterLink::kPointToPoint, metric, {}};
}
RouterLink stub(const char* network, int length, std::uint16_t metric) {
    return {ip(network), wire::ipv4_mask(length), RouterLink::kStub, metric, {}};
}
RouterLink transit(const char* designated_router, const char* own_address, std::uint16_t metric) {
    return {ip(designated_router), ip(own_address), RouterLink::kTransit, metric, {}};
}

Lsa router_lsa(const char* router_id, std::vector<RouterLink> links) {
    Lsa lsa;
    lsa.header.type = wire::lsa_type::kRouter;
    lsa.header.link_state_id = lsa.header.advertising_router = ip(router_id);
    wire::RouterLsa body;
    body.links = std::move(links);
    lsa.body = body;
    wire::seal_lsa(lsa);
    return lsa;
}

Lsa network_lsa(const char* designated_address, const char* designated_router, int length,
                std::vector<const char*> attached) {
    Lsa lsa;
    lsa.header.type = wire::lsa_type::kNetwork;
    lsa.header.link_state_id = ip(designated_address);
    lsa.header.advertising_router = ip(designated_router);
    wire::NetworkLsa body;
    body.network_mask = wire::ipv4_mask(length);
    for (const auto* router : attached) body.attached_routers.push_back(ip(router));
    lsa.body = body;
    wire::seal_lsa(lsa);
    return lsa;
}

const OspfRoute* route_to(const std::vector<OspfRoute>& routes, const char* destination) {
    for (const auto& route : routes) {
        if (route.destination == prefix(destination)) return &route;
    }
    return nullptr;
}

std::set<OspfNextHop> via(std::vector<std::pair<const char*, const char*>> hops) {
    std::set<OspfNextHop> next_hops;
    for (auto [gateway, interface] : hops) next_hops.insert({ip(gateway), interface});
    return next_hops;
}

// r1 (1.1.1.1) — r2 (2.2.2.2) — r3 (3.3.3.3) over point-to-point links, a LAN at each end.
std::vector<Lsa> line() {
    return {router_lsa("1.1.1.1", {point_to_point("2.2.2.2", "10.0.12.1", 10), stub("10.0.12.0", 24, 10),
                                   stub("10.0.1.0", 24, 1)}),
            router_lsa("2.2.2.2", {point_to_point("1.1.1.1", "10.0.12.2", 10), stub("10.0.12.0", 24, 10),
                                   point_to_point("3.3.3.3", "10.0.23.2", 5), stub("10.0.23.0", 24, 5)}),
            router_lsa("3.3.3.3", {point_to_point("2.2.2.2", "10.0.23.3", 5), stub("10.0.23.0", 24, 5),
                                   stub("10.0.3.0", 24, 1)})};
}

const std::vector<OspfSpfInterface> kR1Interfaces = {{"eth0", prefix("10.0.1.1/24")}, {"eth1", prefix("10.0.12.1/24")}};

}  // namespace

TEST_CASE("SPF on a line: each network at the sum of the costs, through the neighbour's own address",
          "[router][ospf][spf]") {
    auto routes = shortest_paths(line(), ip("1.1.1.1"), kR1Interfaces);
    const auto* far_lan = route_to(routes, "10.0.3.0/24");
    REQUIRE(far_lan);
    CHECK(far_lan->cost == 10 + 5 + 1);
    CHECK(far_lan->next_hops == via({{"10.0.12.2", "eth1"}}));
    CHECK_FALSE(far_lan->connected);
    const auto* middle = route_to(routes, "10.0.23.0/24");
    REQUIRE(middle);
    CHECK(middle->cost == 15);
    // Its own networks are connected, at their interface cost, through no gateway.
    const auto* own = route_to(routes, "10.0.1.0/24");
    REQUIRE(own);
    CHECK(own->connected);
    CHECK(own->cost == 1);
    CHECK(own->next_hops == via({{"0.0.0.0", "eth0"}}));
    CHECK(route_to(routes, "10.0.12.0/24")->connected);
    CHECK(routes.size() == 4);

    // From r3, the same area: r1's LAN by r2 the other way.
    auto from_r3 = shortest_paths(line(), ip("3.3.3.3"), {{"eth0", prefix("10.0.3.1/24")}, {"eth9", prefix("10.0.23.3/24")}});
    CHECK(route_to(from_r3, "10.0.1.0/24")->next_hops == via({{"10.0.23.2", "eth9"}}));
    CHECK(route_to(from_r3, "10.0.1.0/24")->cost == 5 + 10 + 1);
}

TEST_CASE("SPF keeps every path of equal cost, and only those", "[router][ospf][spf]") {
    // r1 to r4 by r2 or by r3, 10 + 10 each way; r4's LAN behind it. A third way by r5 costs more.
    std::vector<Lsa> square = {
        router_lsa("1.1.1.1", {point_to_point("2.2.2.2", "10.0.12.1", 10), point_to_point("3.3.3.3", "10.0.13.1", 10),
                               point_to_point("5.5.5.5", "10.0.15.1", 10)}),
        router_lsa("2.2.2.2", {point_to_point("1.1.1.1", "10.0.12.2", 10), point_to_point("4.4.4.4", "10.0.24.2", 10)}),
        router_lsa("3.3.3.3", {point_to_point("1.1.1.1", "10.0.13.3", 10), point_to_point("4.4.4.4", "10.0.34.3", 10)}),
        router_lsa("5.5.5.5", {point_to_point("1.1.1.1", "10.0.15.5", 10), point_to_point("4.4.4.4", "10.0.45.5", 11)}),
        router_lsa("4.4.4.4", {point_to_point("2.2.2.2", "10.0.24.4", 10), point_to_point("3.3.3.3", "10.0.34.4", 10),
                               point_to_point("5.5.5.5", "10.0.45.4", 11), stub("10.0.4.0", 24, 1)}),
    };
    std::vector<OspfSpfInterface> interfaces = {
        {"eth1", prefix("10.0.12.1/24")}, {"eth2", prefix("10.0.13.1/24")}, {"eth3", prefix("10.0.15.1/24")}};
    auto routes = shortest_paths(square, ip("1.1.1.1"), interfaces);
    const auto* lan = route_to(routes, "10.0.4.0/24");
    REQUIRE(lan);
    CHECK(lan->cost == 21);
    CHECK(lan->next_hops == via({{"10.0.12.2", "eth1"}, {"10.0.13.3", "eth2"}}));
}

TEST_CASE("SPF crosses a broadcast network to the far router's own address on it, not the DR's",
          "[router][ospf][spf]") {
    // r1, r2 (the DR, 10.0.0.2) and r3 on one LAN; r3 has a network of its own behind it.
    std::vector<Lsa> lan = {
        router_lsa("1.1.1.1", {transit("10.0.0.2", "10.0.0.1", 10)}),
        router_lsa("2.2.2.2", {transit("10.0.0.2", "10.0.0.2", 10)}),
        router_lsa("3.3.3.3", {transit("10.0.0.2", "10.0.0.3", 10), stub("10.3.0.0", 16, 1)}),
        network_lsa("10.0.0.2", "2.2.2.2", 24, {"2.2.2.2", "1.1.1.1", "3.3.3.3"}),
    };
    auto routes = shortest_paths(lan, ip("1.1.1.1"), {{"eth0", prefix("10.0.0.1/24")}});
    const auto* behind = route_to(routes, "10.3.0.0/16");
    REQUIRE(behind);
    CHECK(behind->cost == 10 + 0 + 1);  // into the network costs the interface's; out of it nothing
    CHECK(behind->next_hops == via({{"10.0.0.3", "eth0"}}));
    const auto* shared = route_to(routes, "10.0.0.0/24");
    REQUIRE(shared);
    CHECK(shared->connected);
    CHECK(shared->next_hops == via({{"0.0.0.0", "eth0"}}));
}

TEST_CASE("SPF leaves out a link only one end describes, a router not listed on its network, and flushed LSAs",
          "[router][ospf][spf]") {
    auto area = line();
    // r2 no longer lists its link to r3 (the link went down at r2's end): r3 is cut off,
    // though r3's own LSA still claims the link (§16.1 (2b)).
    area[1] = router_lsa("2.2.2.2", {point_to_point("1.1.1.1", "10.0.12.2", 10), stub("10.0.12.0", 24, 10)});
    auto routes = shortest_paths(area, ip("1.1.1.1"), kR1Interfaces);
    CHECK(route_to(routes, "10.0.3.0/24") == nullptr);
    CHECK(route_to(routes, "10.0.23.0/24") == nullptr);

    // A router-LSA at MaxAge is being flushed: it is not used.
    auto flushed = line();
    flushed[2].header.age = wire::LsaHeader::kMaxAge;
    CHECK(route_to(shortest_paths(flushed, ip("1.1.1.1"), kR1Interfaces), "10.0.3.0/24") == nullptr);

    // A network-LSA that does not list a router that claims to be on it.
    std::vector<Lsa> lan = {
        router_lsa("1.1.1.1", {transit("10.0.0.2", "10.0.0.1", 10)}),
        router_lsa("2.2.2.2", {transit("10.0.0.2", "10.0.0.2", 10)}),
        router_lsa("3.3.3.3", {transit("10.0.0.2", "10.0.0.3", 10), stub("10.3.0.0", 16, 1)}),
        network_lsa("10.0.0.2", "2.2.2.2", 24, {"2.2.2.2", "1.1.1.1"}),
    };
    CHECK(route_to(shortest_paths(lan, ip("1.1.1.1"), {{"eth0", prefix("10.0.0.1/24")}}), "10.3.0.0/16") == nullptr);

    // Without its own router-LSA the router computes nothing.
    CHECK(shortest_paths(line(), ip("9.9.9.9"), {}).empty());
}

TEST_CASE("SPF takes the cheaper of two routers announcing the same network", "[router][ospf][spf]") {
    auto area = line();
    // r2 announces 10.0.3.0/24 too, at 50: the route by r3 (16) stays; at 1, r2's (11) wins.
    area[1] = router_lsa("2.2.2.2", {point_to_point("1.1.1.1", "10.0.12.2", 10), stub("10.0.12.0", 24, 10),
                                     point_to_point("3.3.3.3", "10.0.23.2", 5), stub("10.0.23.0", 24, 5),
                                     stub("10.0.3.0", 24, 50)});
    CHECK(route_to(shortest_paths(area, ip("1.1.1.1"), kR1Interfaces), "10.0.3.0/24")->cost == 16);
    std::get<wire::RouterLsa>(area[1].body).links.back().metric = 1;
    CHECK(route_to(shortest_paths(area, ip("1.1.1.1"), kR1Interfaces), "10.0.3.0/24")->cost == 11);
}

TEST_CASE("a LAN reached both directly and, at the same cost, through another router keeps each path's own next hop",
          "[router][ospf][spf]") {
    // r1 is on the LAN (cost 20) and has a link to r3 (10), which is on the LAN too (10): the
    // LAN costs 20 either way, and so does r2 on it. Behind r2, a network of its own.
    std::vector<Lsa> area = {
        router_lsa("1.1.1.1", {transit("10.0.0.2", "10.0.0.1", 20), point_to_point("3.3.3.3", "10.0.13.1", 10)}),
        router_lsa("2.2.2.2", {transit("10.0.0.2", "10.0.0.2", 10), stub("10.2.0.0", 16, 1)}),
        router_lsa("3.3.3.3", {transit("10.0.0.2", "10.0.0.3", 10), point_to_point("1.1.1.1", "10.0.13.3", 10)}),
        network_lsa("10.0.0.2", "2.2.2.2", 24, {"2.2.2.2", "1.1.1.1", "3.3.3.3"}),
    };
    auto routes = shortest_paths(area, ip("1.1.1.1"), {{"eth0", prefix("10.0.0.1/24")}, {"eth1", prefix("10.0.13.1/24")}});
    const auto* behind = route_to(routes, "10.2.0.0/16");
    REQUIRE(behind);
    CHECK(behind->cost == 21);
    // Straight across the LAN to r2's own address, or by r3: not r2's address out of eth1.
    CHECK(behind->next_hops == via({{"10.0.0.2", "eth0"}, {"10.0.13.3", "eth1"}}));

    // An interface that went down, still named in our own LSA: no path leaves by it.
    auto without_eth1 = shortest_paths(area, ip("1.1.1.1"), {{"eth0", prefix("10.0.0.1/24")}});
    CHECK(route_to(without_eth1, "10.2.0.0/16")->next_hops == via({{"10.0.0.2", "eth0"}}));
}

// RFC 2328 §16.1 (3): at equal distance, networks leave the candidate list before routers, so
// a router reached at the same cost across a LAN (network → router costs 0) keeps that path
// too. Each tie of that kind, with r2's own network behind it as the destination.
TEST_CASE("a router reached at the same cost by a point-to-point link and across a LAN keeps both paths",
          "[router][ospf][spf]") {
    std::vector<Lsa> area = {
        router_lsa("1.1.1.1", {transit("10.0.0.2", "10.0.0.1", 10), point_to_point("2.2.2.2", "10.0.12.1", 10)}),
        router_lsa("2.2.2.2", {transit("10.0.0.2", "10.0.0.2", 10), point_to_point("1.1.1.1", "10.0.12.2", 10),
                               stub("10.2.0.0", 16, 1)}),
        network_lsa("10.0.0.2", "2.2.2.2", 24, {"2.2.2.2", "1.1.1.1"}),
    };
    auto routes = shortest_paths(area, ip("1.1.1.1"), {{"eth0", prefix("10.0.0.1/24")}, {"eth1", prefix("10.0.12.1/24")}});
    const auto* behind = route_to(routes, "10.2.0.0/16");
    REQUIRE(behind);
    CHECK(behind->cost == 11);
    CHECK(behind->next_hops == via({{"10.0.0.2", "eth0"}, {"10.0.12.2", "eth1"}}));
}

TEST_CASE("a router on two LANs at the same cost is reached across both", "[router][ospf][spf]") {
    std::vector<Lsa> area = {
        router_lsa("1.1.1.1", {transit("10.0.0.2", "10.0.0.1", 10), transit("10.0.1.2", "10.0.1.1", 10)}),
        router_lsa("2.2.2.2", {transit("10.0.0.2", "10.0.0.2", 10), transit("10.0.1.2", "10.0.1.2", 10),
                               stub("10.2.0.0", 16, 1)}),
        network_lsa("10.0.0.2", "2.2.2.2", 24, {"2.2.2.2", "1.1.1.1"}),
        network_lsa("10.0.1.2", "2.2.2.2", 24, {"2.2.2.2", "1.1.1.1"}),
    };
    auto routes = shortest_paths(area, ip("1.1.1.1"), {{"eth0", prefix("10.0.0.1/24")}, {"eth1", prefix("10.0.1.1/24")}});
    const auto* behind = route_to(routes, "10.2.0.0/16");
    REQUIRE(behind);
    CHECK(behind->cost == 11);
    CHECK(behind->next_hops == via({{"10.0.0.2", "eth0"}, {"10.0.1.2", "eth1"}}));
}

TEST_CASE("a router reached through another router and across a LAN at the same cost keeps both paths",
          "[router][ospf][spf]") {
    // r1 → r3 (5) → r2 (5) is 10; r1 → the LAN (10) → r2 (0) is 10 too.
    std::vector<Lsa> area = {
        router_lsa("1.1.1.1", {transit("10.0.0.2", "10.0.0.1", 10), point_to_point("3.3.3.3", "10.0.13.1", 5)}),
        router_lsa("3.3.3.3", {point_to_point("1.1.1.1", "10.0.13.3", 5), point_to_point("2.2.2.2", "10.0.23.3", 5)}),
        router_lsa("2.2.2.2", {transit("10.0.0.2", "10.0.0.2", 10), point_to_point("3.3.3.3", "10.0.23.2", 5),
                               stub("10.2.0.0", 16, 1)}),
        network_lsa("10.0.0.2", "2.2.2.2", 24, {"2.2.2.2", "1.1.1.1"}),
    };
    auto routes = shortest_paths(area, ip("1.1.1.1"), {{"eth0", prefix("10.0.0.1/24")}, {"eth1", prefix("10.0.13.1/24")}});
    const auto* behind = route_to(routes, "10.2.0.0/16");
    REQUIRE(behind);
    CHECK(behind->cost == 11);
    CHECK(behind->next_hops == via({{"10.0.0.2", "eth0"}, {"10.0.13.3", "eth1"}}));
}
