// The relay agent's engine: what it does to a client's request on the way to the servers
// and to a server's reply on the way back (RFC 2131 §4.1, RFC 1542 §4, RFC 3046).
#include <catch2/catch.hpp>

#include "emud/topology/loader.hpp"
#include "nodes/dhcp_relay/relay_agent.hpp"

using namespace emu;
using namespace emu::dhcp;
using wire::DhcpMessage;
using wire::DhcpMessageType;
namespace option = wire::dhcp_option;

namespace {

wire::Ipv4Address ip(const char* text) { return *wire::Ipv4Address::parse(text); }

const RelayInterface kClients{2, "eth0", ip("10.0.1.1")};
const RelayInterface kServers{3, "eth1", ip("10.0.2.1")};
const std::vector<RelayInterface> kInterfaces{kClients, kServers};

RelayAgent agent() { return RelayAgent({{ip("10.0.2.2"), ip("10.0.2.3")}, {"eth0"}, 4}); }

DhcpMessage discover() {
    DhcpMessage message;
    message.xid = 0x42;
    message.set_client_mac(*wire::MacAddress::parse("02:00:00:00:00:04"));
    message.set(option::kMessageType, {static_cast<std::uint8_t>(DhcpMessageType::discover)});
    return message;
}

}  // namespace

TEST_CASE("a client's request goes to every server with giaddr, a hop and the circuit it came in on",
          "[dhcp][relay]") {
    auto decision = agent().handle(discover(), kClients, kInterfaces);
    CHECK(decision.event == "relay.request");
    REQUIRE(decision.send.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& out = decision.send[i];
        CHECK(out.kind == RelayedMessage::Kind::to_server);
        CHECK(out.message.relay_address == ip("10.0.1.1"));
        CHECK(out.message.hops == 1);
        auto information = wire::parse_relay_agent_information(out.message.find(option::kRelayAgentInformation)->data);
        REQUIRE(information);
        CHECK(*information == std::vector<wire::DhcpOption>{{wire::relay_agent_suboption::kCircuitId, {'e', 't', 'h', '0'}}});
    }
    CHECK(decision.send[0].server == ip("10.0.2.2"));
    CHECK(decision.send[1].server == ip("10.0.2.3"));

    // Relayed by another agent already: its giaddr and option 82 stay; only the hop counts.
    auto relayed = discover();
    relayed.relay_address = ip("10.0.9.1");
    relayed.hops = 1;
    relayed.set(option::kRelayAgentInformation, wire::make_relay_agent_information({{1, {'x'}}}));
    auto onward = agent().handle(relayed, kClients, kInterfaces);
    REQUIRE(onward.send.size() == 2);
    CHECK(onward.send[0].message.relay_address == ip("10.0.9.1"));
    CHECK(onward.send[0].message.hops == 2);
    CHECK(onward.send[0].message.find(option::kRelayAgentInformation)->data ==
          wire::make_relay_agent_information({{1, {'x'}}}));
}

TEST_CASE("requests from a server link or past the hop limit go nowhere", "[dhcp][relay]") {
    auto from_server_side = agent().handle(discover(), kServers, kInterfaces);
    CHECK(from_server_side.send.empty());
    CHECK(from_server_side.event == "relay.drop.not_a_client_link");
    auto looping = discover();
    looping.hops = 5;  // RFC 1542 §4.1.1: more than the threshold (4 here)
    auto dropped = agent().handle(looping, kClients, kInterfaces);
    CHECK(dropped.send.empty());
    CHECK(dropped.event == "relay.drop.hops");
}

TEST_CASE("a server's reply goes back onto giaddr's link, without option 82, as the client can take it",
          "[dhcp][relay]") {
    auto offer = discover();
    offer.op = DhcpMessage::kBootReply;
    offer.set(option::kMessageType, {static_cast<std::uint8_t>(DhcpMessageType::offer)});
    offer.relay_address = ip("10.0.1.1");
    offer.your_address = ip("10.0.1.100");
    offer.set(option::kRelayAgentInformation, wire::make_relay_agent_information({{1, {'e', 't', 'h', '0'}}}));
    auto decision = agent().handle(offer, kServers, kInterfaces);
    CHECK(decision.event == "relay.reply");
    REQUIRE(decision.send.size() == 1);
    const auto& out = decision.send[0];
    CHECK(out.kind == RelayedMessage::Kind::to_client);
    CHECK(out.ifindex == kClients.ifindex);
    CHECK(out.source == ip("10.0.1.1"));
    CHECK(out.message.find(option::kRelayAgentInformation) == nullptr);
    CHECK(out.delivery.kind == wire::ClientDelivery::Kind::hardware);  // no broadcast bit: to its MAC
    CHECK(out.delivery.ip == ip("10.0.1.100"));
    CHECK(out.delivery.mac == *wire::MacAddress::parse("02:00:00:00:00:04"));

    auto flagged = offer;
    flagged.flags = DhcpMessage::kBroadcastFlag;
    CHECK(agent().handle(flagged, kServers, kInterfaces).send.at(0).delivery.kind == wire::ClientDelivery::Kind::broadcast);
    auto nak = offer;
    nak.set(option::kMessageType, {static_cast<std::uint8_t>(DhcpMessageType::nak)});
    CHECK(agent().handle(nak, kServers, kInterfaces).send.at(0).delivery.kind == wire::ClientDelivery::Kind::broadcast);
    auto renewal = offer;
    renewal.client_address = ip("10.0.1.100");
    CHECK(agent().handle(renewal, kServers, kInterfaces).send.at(0).delivery.kind == wire::ClientDelivery::Kind::unicast);

    // A reply for a giaddr that is not one of our client links is not ours to hand on.
    auto stray = offer;
    stray.relay_address = ip("10.0.2.1");
    CHECK(agent().handle(stray, kServers, kInterfaces).event == "relay.drop.not_ours");
}

TEST_CASE("dhcp-relay settings: servers, client links by default the interfaces off the servers' subnets",
          "[topology][dhcp][relay]") {
    auto load = [](const std::string& relay) {
        return topology::load_topology(R"(name: r
nodes:
  lan1: {kind: switch}
  lan2: {kind: switch}
  r1:
    kind: router
    interfaces: {eth0: 10.0.1.1/24, eth1: 10.0.2.1/24}
    services:
      dhcp-relay: )" + relay + R"(
links:
  - endpoints: [r1:eth0, lan1]
  - endpoints: [r1:eth1, lan2]
)",
                                       topology::LoadOptions{"r.yaml", {}});
    };
    auto lab = load("{servers: [10.0.2.2]}");
    REQUIRE(lab);
    auto config = lab->find_node("r1")->services.at(0).program_config;
    CHECK(config["servers"] == nlohmann::json{"10.0.2.2"});
    CHECK(config["interfaces"] == nlohmann::json{"eth0"});
    CHECK(config["max_hops"] == 4);

    auto message = [&](const std::string& relay) {
        auto bad = load(relay);
        REQUIRE_FALSE(bad);
        return bad.error().sorted().at(0).message;
    };
    CHECK(message("{}") == "dhcp-relay on 'r1' needs its `servers`");
    CHECK(message("{servers: [10.0.2]}") == "a DHCP server must be an IPv4 address, not \"10.0.2\"");
    CHECK(message("{servers: 10.0.2.2, interfaces: [eth7]}") == "'r1' has no interface \"eth7\"");
    CHECK(message("{servers: [10.0.2.2, 10.0.1.9]}").find("has no client link") != std::string::npos);
    CHECK(message("{servers: 10.0.2.2, max_hops: 17}") ==
          "`max_hops` must be a number from 1 to 16 (RFC 1542 §4.1.1), not 17");
}
