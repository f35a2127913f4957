// `services: smtp:` and `pop3:` in a topology: what emu-maild is given, one process for both,
// and the mistakes refused at their line.
#include <catch2/catch.hpp>

#include "emud/topology/loader.hpp"

using namespace emu::topology;
using nlohmann::json;

namespace {

std::string lab_text(const std::string& services) {
    return R"(name: m
nodes:
  lan: {kind: switch}
  mx:
    kind: server
    interfaces: {eth0: 10.0.9.25/24}
    services:
)" + services + R"(
links:
  - endpoints: [mx:eth0, lan]
)";
}

std::string refusal(const std::string& services) {
    auto lab = load_topology(lab_text(services), LoadOptions{"m.yaml", {}});
    return lab ? std::string("accepted") : format_all(lab.error(), "m.yaml");
}

}  // namespace

TEST_CASE("smtp and pop3 on one node become one emu-maild with both ports", "[topology][maild]") {
    auto lab = load_topology(lab_text(R"(      smtp:
        domains: [B.Example]
        users: {Bob: secret, carol: 1234}
        postmaster: carol
        maximum_size: 512K
        relay_from: 10.0.1.7/24
        queue_lifetime: 90s
      pop3: {})"),
                             LoadOptions{"m.yaml", {}});
    if (!lab) FAIL(format_all(lab.error(), "m.yaml"));
    const auto& services = lab->find_node("mx")->services;
    REQUIRE(services.size() == 2);
    CHECK(services[0].program_config == json::parse(R"({"domains": ["b.example"], "users": {"bob": "secret", "carol": "1234"},
        "hostname": "mx.b.example", "postmaster": "carol", "maximum_size": 524288, "pop3": true,
        "relay_from": ["10.0.1.0/24"], "queue_lifetime": 90.0})"));
    CHECK(services[1].name == "pop3");
    CHECK(services[1].runs_in == "smtp");
}

TEST_CASE("An smtp service without domains or users, or a pop3 with nothing to serve, is refused", "[topology][maild]") {
    CHECK_THAT(refusal("      smtp: {users: {bob: x}}"), Catch::Contains("needs the `domains`"));
    CHECK_THAT(refusal("      smtp: {domains: [b.example]}"), Catch::Contains("needs `users`"));
    CHECK_THAT(refusal("      smtp: {domains: [localhost], users: {bob: x}}"), Catch::Contains("is not a domain name"));
    CHECK_THAT(refusal("      smtp: {domains: b.example, users: {bob: x, Bob: y}}"), Catch::Contains("named twice"));
    CHECK_THAT(refusal("      smtp: {domains: b.example, users: {../bob: x}}"), Catch::Contains("mailbox name '../bob'"));
    CHECK_THAT(refusal("      smtp: {domains: b.example, users: {bob: x}, postmaster: eve}"), Catch::Contains("names one of the `users`"));
    CHECK_THAT(refusal("      smtp: {domains: b.example, users: {bob: x}, maximum_size: 10G}"), Catch::Contains("`maximum_size`"));
    CHECK_THAT(refusal("      smtp: {domains: b.example, users: {bob: x}, relay: true}"), Catch::Contains("unknown key 'relay'"));
    CHECK_THAT(refusal("      smtp: {domains: b.example, users: {bob: x}, relay_from: [0.0.0.0/0]}"), Catch::Contains("an open relay"));
    CHECK_THAT(refusal("      smtp: {domains: b.example, users: {bob: x}, relay_from: [10.0.1.0]}"),
               Catch::Contains("is not a network like 10.0.1.0/24"));
    CHECK_THAT(refusal("      smtp: {domains: b.example, users: {bob: x}, queue_lifetime: soon}"), Catch::Contains("`queue_lifetime`"));
    CHECK_THAT(refusal("      pop3: {}"), Catch::Contains("the node has none"));
    CHECK_THAT(refusal("      smtp: {domains: b.example, users: {bob: x}}\n      pop3: {users: {bob: x}}"),
               Catch::Contains("no settings of its own"));
    CHECK(refusal("      smtp: {domains: b.example, users: {bob: x}}\n      pop3: {}") == "accepted");
}
