#include <catch2/catch.hpp>

#include "emud/topology/dot.hpp"
#include "emud/topology/loader.hpp"

using namespace emu::topology;

namespace {

Lab load_ok(const std::string& text) {
    auto lab = load_topology(text, LoadOptions{"test.yaml", {}});
    if (!lab) FAIL(format_all(lab.error(), "test.yaml"));
    return *lab;
}

}  // namespace

TEST_CASE("the campus topology loads with its switches, router and hosts", "[topology]") {
    auto lab = load_topology_file(EMU_SOURCE_DIR "/topologies/campus.yaml");
    REQUIRE(lab);
    CHECK(lab->name == "campus");
    CHECK(lab->nodes.size() == 10);
    CHECK(lab->links.size() == 9);
    CHECK(lab->has_switches());
    const Node* router = lab->find_node("r1");
    REQUIRE(router);
    CHECK(router->kind == NodeKind::router);
    REQUIRE(router->interfaces.size() == 3);
    CHECK(router->interfaces[1].addresses.at(0).prefix.to_string() == "10.0.2.1/24");
    const Node* h1 = lab->find_node("h1");
    REQUIRE(h1);
    CHECK(h1->kind == NodeKind::host);
    REQUIRE(h1->routes.size() == 1);
    CHECK(h1->routes[0].destination.to_string() == "0.0.0.0/0");
    CHECK(h1->routes[0].via.to_string() == "10.0.1.1");
    // Unnamed switch ports are numbered in link order.
    CHECK(lab->links[0].b.interface == "p1");
    CHECK(lab->links[3].b.interface == "p2");
    CHECK(lab->links[3].name == "h1:eth0--lan1:p2");
}

TEST_CASE("--name replaces the file's lab name", "[topology]") {
    auto lab = load_topology("name: a\nnodes: {h1: {}}\n", LoadOptions{"x.yaml", "other"});
    REQUIRE(lab);
    CHECK(lab->name == "other");
}

TEST_CASE("an interface named only by a link is made without addresses", "[topology]") {
    auto lab = load_ok(R"(name: t
nodes:
  a: {interfaces: {eth0: 10.0.0.1/30}}
  b: {}
links:
  - endpoints: [a:eth0, b:eth7]
)");
    const Node* b = lab.find_node("b");
    REQUIRE(b->interfaces.size() == 1);
    CHECK(b->interfaces[0].name == "eth7");
    CHECK(b->interfaces[0].addresses.empty());
    CHECK_FALSE(b->interfaces[0].declared);
}

TEST_CASE("names the kernel cannot take get short kernel names and keep theirs as alias", "[topology]") {
    auto lab = load_ok(R"(name: t
nodes:
  a-node-with-a-rather-long-name:
    interfaces:
      uplink-to-the-core-router: 10.0.0.1/30
      Gi0/1: 10.0.1.1/30
      if1: 10.0.2.1/30
  b: {}
links:
  - endpoints: [a-node-with-a-rather-long-name:uplink-to-the-core-router, b:eth0]
  - endpoints: [a-node-with-a-rather-long-name:Gi0/1, b:eth1]
  - endpoints: [a-node-with-a-rather-long-name:if1, b:eth2]
)");
    const Node* a = lab.find_node("a-node-with-a-rather-long-name");
    REQUIRE(a);
    CHECK(a->interfaces[0].kernel_name == "if2");  // if1 is the user's own name
    CHECK(a->interfaces[1].kernel_name == "if3");
    CHECK(a->interfaces[2].kernel_name == "if1");
    CHECK(lab.find_node("b")->interfaces[0].kernel_name == "eth0");
}

TEST_CASE("interfaces take several address forms", "[topology]") {
    auto lab = load_ok(R"(name: t
nodes:
  a:
    interfaces:
      eth0: [10.0.0.1/24, 2001:db8::1/64]
      eth1: dhcp
      eth2: {addresses: [dhcp, 2001:db8:2::1/64], mtu: 1400, mac: 02:00:00:00:00:0a}
      eth3:
      lo: 10.255.0.1/32
    gateway: [10.0.0.254, 2001:db8::fe]
    routes:
      - {to: 192.0.2.0/24, via: 10.0.0.253, metric: 20}
      - {to: 2001:db8:9::/48, via: 2001:db8::fd}
  b: {}
links:
  - endpoints: [a:eth0, b:eth0]
  - endpoints: [a:eth1, b:eth1]
  - endpoints: [a:eth2, b:eth2]
  - endpoints: [a:eth3, b:eth3]
)");
    const Node* a = lab.find_node("a");
    CHECK(a->interfaces[0].addresses.size() == 2);
    CHECK(a->interfaces[1].dhcp);
    CHECK(a->interfaces[2].dhcp);
    CHECK(a->interfaces[2].mtu == 1400);
    CHECK(a->interfaces[2].mac->to_string() == "02:00:00:00:00:0a");
    CHECK(a->interfaces[3].addresses.empty());
    CHECK(a->interfaces[4].name == "lo");
    REQUIRE(a->routes.size() == 4);
    CHECK(a->routes[1].destination.to_string() == "::/0");
    CHECK(a->routes[2].metric == 20u);
}

TEST_CASE("`to: default` takes the family of its next hop", "[topology]") {
    auto lab = load_ok(R"(name: t
nodes:
  a: {interfaces: {eth0: 2001:db8::1/64}, routes: [{to: default, via: 2001:db8::2}]}
  b: {interfaces: {eth0: 2001:db8::2/64}}
links:
  - endpoints: [a:eth0, b:eth0]
)");
    CHECK(lab.find_node("a")->routes.at(0).destination.to_string() == "::/0");
}

TEST_CASE("exec commands and sysctls keep their order and settings", "[topology]") {
    auto lab = load_ok(R"(name: t
nodes:
  r:
    kind: router
    sysctls: {net.ipv4.icmp_echo_ignore_all: 1, net/ipv4/conf/all/rp_filter: 2}
    exec:
      - echo up
      - {command: sleep 1000, restart: on-failure}
)");
    const Node* r = lab.find_node("r");
    REQUIRE(r->sysctls.size() == 2);
    CHECK(r->sysctls[0].key == "net.ipv4.icmp_echo_ignore_all");
    CHECK(r->sysctls[0].value == "1");
    REQUIRE(r->exec.size() == 2);
    CHECK(r->exec[0].restart == RestartPolicy::never);
    CHECK(r->exec[1].command == "sleep 1000");
    CHECK(r->exec[1].restart == RestartPolicy::on_failure);
}

TEST_CASE("switches joined into a loop are accepted when every one runs STP", "[topology]") {
    auto lab = load_topology(R"(name: t
nodes:
  s1: {kind: switch, stp: true}
  s2: {kind: switch, stp: true}
  s3: {kind: switch, stp: true}
links:
  - endpoints: [s1, s2]
  - endpoints: [s2, s3]
  - endpoints: [s3, s1]
)", {});
    CHECK(lab);
}

TEST_CASE("the DOT graph has a vertex per node with its addresses and an edge per link", "[topology][graph]") {
    auto lab = load_topology_file(EMU_SOURCE_DIR "/topologies/campus.yaml");
    REQUIRE(lab);
    auto dot = to_dot(*lab);
    CHECK(dot.rfind("graph \"campus\" {", 0) == 0);
    CHECK(dot.find("\"lan1\" [shape=hexagon, label=\"lan1\\n10.0.1.0/24\"") != std::string::npos);
    CHECK(dot.find("\"r1\" [shape=ellipse, label=\"r1\\neth0 10.0.1.1/24\\neth1 10.0.2.1/24\\neth2 10.0.3.1/24\"]") !=
          std::string::npos);
    CHECK(dot.find("\"r1\" -- \"lan1\" [taillabel=\"eth0\", headlabel=\"\"]") != std::string::npos);
    std::size_t edges = 0;
    for (auto at = dot.find(" -- "); at != std::string::npos; at = dot.find(" -- ", at + 1)) ++edges;
    CHECK(edges == 9);
}
