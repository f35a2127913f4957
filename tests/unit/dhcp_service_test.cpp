// `services: dhcp:` in a topology: what emu-dhcpd is given from it, and every mistake
// reported at its key, with line and column.
#include <catch2/catch.hpp>

#include "emud/topology/loader.hpp"

using namespace emu::topology;
using nlohmann::json;

namespace {

std::string lab_with(const std::string& dhcp) {
    return R"(name: d
nodes:
  lan: {kind: switch}
  relay: {kind: switch}
  srv:
    kind: server
    interfaces: {eth0: 10.0.1.2/24, eth1: 10.0.8.2/24}
    services:
      dhcp: )" + dhcp + R"(
  h1: {interfaces: {eth0: dhcp}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [h1:eth0, lan]
  - endpoints: [srv:eth1, relay]
)";
}

json program_config(const std::string& dhcp) {
    auto lab = load_topology(lab_with(dhcp), LoadOptions{"d.yaml", {}});
    if (!lab) FAIL(format_all(lab.error(), "d.yaml"));
    return lab->find_node("srv")->services.at(0).program_config;
}

// Every message, "line:column: message", one per line.
std::string problems(const std::string& dhcp) {
    auto lab = load_topology(lab_with(dhcp), LoadOptions{"d.yaml", {}});
    REQUIRE_FALSE(lab);
    std::string text;
    for (const auto& problem : lab.error().sorted()) {
        text += std::to_string(problem.where.line) + ":" + std::to_string(problem.where.column) + ": " + problem.message + "\n";
    }
    return text;
}

}  // namespace

TEST_CASE("a pool on the server's own LAN becomes its subnet, with the service's defaults", "[topology][dhcp]") {
    auto config = program_config(R"({pool: 10.0.1.100-10.0.1.199, router: 10.0.1.1, dns: [10.0.1.53], domain: lab.example,
              lease: 10m, reservations: {"02:00:00:00:00:10": 10.0.1.10}})");
    REQUIRE(config["subnets"].size() == 1);
    const auto& subnet = config["subnets"][0];
    CHECK(subnet["subnet"] == "10.0.1.0/24");
    CHECK(subnet["pools"] == json::array({{{"first", "10.0.1.100"}, {"last", "10.0.1.199"}}}));
    CHECK(subnet["routers"] == json{"10.0.1.1"});
    CHECK(subnet["dns_servers"] == json{"10.0.1.53"});
    CHECK(subnet["domain_name"] == "lab.example");
    CHECK(subnet["lease_seconds"] == 600);
    CHECK(subnet["reservations"] == json::array({{{"mac", "02:00:00:00:00:10"}, {"address", "10.0.1.10"}}}));
}

TEST_CASE("subnets behind a relay are listed with their own settings and inherit the rest", "[topology][dhcp]") {
    auto config = program_config(R"(
        pool: 10.0.1.100-10.0.1.199
        dns: 10.0.1.53
        lease: 1h
        authoritative: false
        offer_hold: 5s
        subnets:
          - {subnet: 10.0.3.0/24, pools: [10.0.3.10-10.0.3.19, 10.0.3.50 - 10.0.3.59], router: 10.0.3.1, lease: 2d})");
    REQUIRE(config["subnets"].size() == 2);
    const auto& remote = config["subnets"][1];
    CHECK(remote["subnet"] == "10.0.3.0/24");
    CHECK(remote["pools"].size() == 2);
    CHECK(remote["pools"][1]["first"] == "10.0.3.50");
    CHECK(remote["routers"] == json{"10.0.3.1"});
    CHECK(remote["dns_servers"] == json{"10.0.1.53"});  // inherited
    CHECK(remote["lease_seconds"] == 172800);
    CHECK(config["subnets"][0]["lease_seconds"] == 3600);
    CHECK(config["authoritative"] == false);
    CHECK(config["offer_hold_seconds"] == 5);
}

TEST_CASE("mistakes in dhcp settings are reported where they are written", "[topology][dhcp]") {
    // The service's value starts on line 9, column 13 of lab_with(); each problem is
    // reported at the value it is about.
    CHECK(problems("{pool: 10.0.5.100-10.0.5.199}") ==
          "9:20: 10.0.5.100 is on none of the subnets of 'srv' (10.0.1.0/24, 10.0.8.0/24)\n");
    CHECK(problems("{pool: 10.0.1.199-10.0.1.100}") == "9:20: pool 10.0.1.199-10.0.1.100 ends before it starts\n");
    CHECK(problems("{pool: 10.0.1.100}") ==
          "9:20: a pool is written FIRST-LAST, like 10.0.1.100-10.0.1.199, not 10.0.1.100\n");
    CHECK(problems("{pool: 10.0.1.1-10.0.1.9}") == "9:20: pool 10.0.1.1-10.0.1.9 includes 10.0.1.2, the address of 'srv' itself\n");
    CHECK(problems("{pool: 10.0.1.100-10.0.1.255}") ==
          "9:20: pool 10.0.1.100-10.0.1.255 includes the network or broadcast address of 10.0.1.0/24\n");
    CHECK(problems("{pool: 10.0.1.100-10.0.1.199, router: 10.0.2.1}") ==
          "9:51: router 10.0.2.1 is not on 10.0.1.0/24: its clients could not reach it\n");
    CHECK(problems("{pool: 10.0.1.100-10.0.1.199, lease: forever}") ==
          "9:50: `lease` must be a duration from 1 s to about 136 years: 3600, 30s, 10m, 1h or 1d, not \"forever\"\n");
    CHECK(problems("{pool: 10.0.1.100-10.0.1.199, pol: 1}") ==
          "9:48: unknown key 'pol' in the dhcp settings of 'srv'\n");
    CHECK(problems("{pool: 10.0.1.100-10.0.1.199, reservations: {\"01:00:5e:00:00:01\": 10.0.1.5}}") ==
          "9:79: '01:00:5e:00:00:01' is not a unicast MAC address\n");
    CHECK(problems("{subnets: [{pool: 10.0.3.10-10.0.3.19}]}") ==
          "9:24: an entry of `subnets` needs its `subnet`, like 10.0.3.0/24\n");
    CHECK(problems("{router: 10.0.1.1}") ==
          "9:22: a router without a pool: whose router is it?\n");
}

TEST_CASE("a mistake in one of several pools is reported once, an empty list of subnets hands out nothing",
          "[topology][dhcp]") {
    CHECK(problems("{subnets: []}") == "9:13: dhcp on 'srv' hands out nothing\n");
    CHECK(problems("{pools: [10.0.1.100-10.0.1.110, 10.0.1.150-10.0.1.140]}") ==
          "9:45: pool 10.0.1.150-10.0.1.140 ends before it starts\n");
}

TEST_CASE("a setting that is not UTF-8 is reported, not thrown", "[topology][dhcp]") {
    // Found by topology_fuzz: the message quoted the value as JSON, which refuses such bytes.
    // Such a file is now refused whole, before its settings are read.
    CHECK(problems("{pool: 10.0.1.100-10.0.1.199, dns: \"10.\xff\xff.0.1\"}") ==
          "9:52: the file is not UTF-8: byte 0xFF here is not part of a UTF-8 character\n");
}

TEST_CASE("`dhcp` on a node's interfaces starts emu-host's client for them, by their kernel names",
          "[topology][dhcp]") {
    auto lab = load_topology(R"(name: d
nodes:
  lan: {kind: switch}
  wan: {kind: switch}
  srv: {kind: server, interfaces: {eth0: 10.0.1.2/24}}
  h1:
    interfaces: {eth0: dhcp, uplink-to-the-core: dhcp}
  h2: {interfaces: {eth0: 10.0.1.3/24}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [h1:eth0, lan]
  - endpoints: [h2:eth0, lan]
  - endpoints: [h1:uplink-to-the-core, wan]
)",
                             LoadOptions{"d.yaml", {}});
    if (!lab) FAIL(format_all(lab.error(), "d.yaml"));
    const auto& services = lab->find_node("h1")->services;
    REQUIRE(services.size() == 1);
    CHECK(services[0].name == "dhcp-client");
    CHECK(services[0].program_config ==
          json::parse(R"({"hostname": "h1", "dhcp_interfaces": ["eth0", "if1"], "resolv_conf": "/etc/resolv.conf"})"));
    CHECK(lab->find_node("h2")->services.empty());
    CHECK(lab->find_node("srv")->services.empty());
}
