// `services: rip:` in a topology: the configuration emu-router is given, and that emu-router
// reads it back into the engine's settings.
#include <catch2/catch.hpp>

#include "emud/topology/loader.hpp"
#include "nodes/router/router_config.hpp"

using namespace emu;
using namespace emu::topology;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

json program_config(const std::string& rip) {
    auto lab = load_topology(R"(name: r
nodes:
  lan: {kind: switch}
  lan2: {kind: switch}
  r1:
    kind: router
    interfaces: {eth0: 10.0.1.1/24, eth1: 10.0.12.1/24}
    services:
      rip: )" + rip + R"(
links:
  - endpoints: [r1:eth0, lan]
  - endpoints: [r1:eth1, lan2]
)",
                             LoadOptions{"r.yaml", {}});
    if (!lab) FAIL(format_all(lab.error(), "r.yaml"));
    return lab->find_node("r1")->services.at(0).program_config;
}

}  // namespace

TEST_CASE("rip with no settings runs on every interface with the RFC's timers", "[topology][rip]") {
    auto config = program_config("{}");
    CHECK(config["interfaces"] == json::parse(R"([{"name": "eth0", "address": "10.0.1.1/24"},
                                                  {"name": "eth1", "address": "10.0.12.1/24"}])"));
    auto router = router::router_config_from_json(config);
    REQUIRE(router.rip);
    REQUIRE(router.rip->interfaces.size() == 2);
    CHECK_FALSE(router.rip->interfaces[0].passive);
    CHECK(router.rip->timers.update == 30s);
    CHECK(router.rip->timers.timeout == 180s);
    CHECK(router.rip->timers.garbage == 120s);
    CHECK(router.rip->poisoned_reverse);
}

TEST_CASE("rip's interfaces, passive ones, timers and poisoned reverse reach emu-router", "[topology][rip]") {
    auto config = program_config("{interfaces: [eth1, eth0], passive: [eth0], update: 0.5, timeout: 3, garbage: 2, "
                                 "poisoned_reverse: false}");
    auto router = router::router_config_from_json(config);
    REQUIRE(router.rip);
    REQUIRE(router.rip->interfaces.size() == 2);
    CHECK(router.rip->interfaces[0].name == "eth0");
    CHECK(router.rip->interfaces[0].passive);
    CHECK(router.rip->interfaces[0].address == wire::Ipv4Prefix{*wire::Ipv4Address::parse("10.0.1.1"), 24});
    CHECK_FALSE(router.rip->interfaces[1].passive);
    CHECK(router.rip->timers.update == 500ms);
    CHECK(router.rip->timers.timeout == 3s);
    CHECK(router.rip->timers.garbage == 2s);
    CHECK_FALSE(router.rip->poisoned_reverse);

    // RIP on one interface only.
    router = router::router_config_from_json(program_config("{interfaces: [eth1]}"));
    REQUIRE(router.rip->interfaces.size() == 1);
    CHECK(router.rip->interfaces[0].name == "eth1");
    // What emu-router refuses if its file was not emud's.
    CHECK_THROWS_WITH(router::router_config_from_json(json::parse(R"({"interfaces": [{"name": "eth0"}]})")),
                      "interfaces.eth0: not an IPv4 address/length");
    CHECK_THROWS_WITH(router::router_config_from_json(json::parse(
                          R"({"interfaces": [{"name": "eth0", "address": "10.0.1.1/24"}], "rip": {"update": -1}})")),
                      "rip.update: not a positive number of seconds");
}
