#include <catch2/catch.hpp>

#include "emud/topology/loader.hpp"
#include "emud/topology/shapes.hpp"

using namespace emu::topology;

namespace {

Lab load_shape(const std::string& spec) {
    auto yaml = generate_shape(spec);
    if (!yaml) FAIL(yaml.error());
    auto lab = load_topology(*yaml, LoadOptions{spec, {}});
    if (!lab) FAIL(format_all(lab.error(), spec));
    return *lab;
}

std::size_t count_kind(const Lab& lab, NodeKind kind) {
    return static_cast<std::size_t>(
        std::count_if(lab.nodes.begin(), lab.nodes.end(), [&](const Node& n) { return n.kind == kind; }));
}

}  // namespace

TEST_CASE("linear,N is N switches in a chain with one host on each", "[shapes]") {
    auto lab = load_shape("linear,4");
    CHECK(lab.name == "linear-4");
    CHECK(count_kind(lab, NodeKind::switch_) == 4);
    CHECK(count_kind(lab, NodeKind::host) == 4);
    CHECK(lab.links.size() == 4 + 3);
    CHECK(lab.find_node("h3")->interfaces.at(0).addresses.at(0).prefix.to_string() == "10.0.0.3/8");
}

TEST_CASE("linear numbers hosts past 255 the way Mininet does", "[shapes]") {
    auto lab = load_shape("linear,300");
    CHECK(lab.find_node("h300")->interfaces.at(0).addresses.at(0).prefix.to_string() == "10.0.1.44/8");
}

TEST_CASE("tree,DEPTH,FANOUT has FANOUT^DEPTH hosts under (FANOUT^DEPTH-1)/(FANOUT-1) switches", "[shapes]") {
    auto lab = load_shape("tree,depth=2,fanout=3");
    CHECK(lab.name == "tree-2-3");
    CHECK(count_kind(lab, NodeKind::switch_) == 4);
    CHECK(count_kind(lab, NodeKind::host) == 9);
    CHECK(lab.links.size() == 12);
    CHECK(load_shape("tree,3,2").links.size() == 14);
}

TEST_CASE("ring,N is N routers in a ring with static routes to every host LAN", "[shapes]") {
    auto lab = load_shape("ring,5");
    CHECK(count_kind(lab, NodeKind::router) == 5);
    CHECK(count_kind(lab, NodeKind::host) == 5);
    const Node* r1 = lab.find_node("r1");
    REQUIRE(r1->routes.size() == 4);
    // r1 reaches LAN 2 clockwise through r2 and LAN 5 the other way through r5.
    CHECK(r1->routes[0].destination.to_string() == "10.0.2.0/24");
    CHECK(r1->routes[0].via.to_string() == "172.16.0.2");
    CHECK(r1->routes[3].destination.to_string() == "10.0.5.0/24");
    CHECK(r1->routes[3].via.to_string() == "172.16.0.17");
}

TEST_CASE("star,N is one switch with N hosts", "[shapes]") {
    auto lab = load_shape("star,3");
    CHECK(count_kind(lab, NodeKind::switch_) == 1);
    CHECK(lab.links.size() == 3);
}

TEST_CASE("bad shape specifications say how to write them", "[shapes]") {
    CHECK(generate_shape("linear").error() == "'linear': write it as linear,N");
    CHECK(generate_shape("linear,0").error().find("from 1 to") != std::string::npos);
    CHECK(generate_shape("linear,x").error().find("whole number") != std::string::npos);
    CHECK(generate_shape("ring,2").error().find("from 3") != std::string::npos);
    CHECK(generate_shape("tree,9,9").error().find("more than") != std::string::npos);
    CHECK(generate_shape("tree,depth=2,fan=3").error().find("fanout=") != std::string::npos);
    CHECK(generate_shape("mesh,3").error().find("unknown shape 'mesh'") != std::string::npos);
}
