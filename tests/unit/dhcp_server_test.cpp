// emu-dhcpd's engine, with a fake clock: RFC 2131 §4.3 server behaviour message by
// message — what it offers, acknowledges, refuses and keeps, and where each reply goes —
// and its lease file.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "nodes/dhcpd/config_json.hpp"
#include "nodes/dhcpd/dhcp_server.hpp"
#include "nodes/dhcpd/lease_file.hpp"

using namespace emu;
using namespace emu::dhcp;
using wire::DhcpMessage;
using wire::DhcpMessageType;
namespace option = wire::dhcp_option;

namespace {

wire::Ipv4Address ip(const char* text) { return *wire::Ipv4Address::parse(text); }
wire::MacAddress mac(int n) { return *wire::MacAddress::parse(fmt::format("02:00:00:00:00:{:02x}", n)); }

constexpr UnixTime kStart = 1'800'000'000;
const auto kServer = ip("10.0.1.1");

ServerConfig campus_config() {
    ServerConfig config;
    Subnet lan;
    lan.prefix = *wire::IpPrefix::parse("10.0.1.0/24");
    lan.pools = {{ip("10.0.1.100"), ip("10.0.1.102")}};
    lan.reservations = {{mac(0x50), ip("10.0.1.50")}};
    lan.routers = {ip("10.0.1.1")};
    lan.dns_servers = {ip("10.0.2.53")};
    lan.domain_name = "campus.example";
    lan.lease_seconds = 600;
    Subnet remote;  // behind a relay at 10.0.3.1
    remote.prefix = *wire::IpPrefix::parse("10.0.3.0/24");
    remote.pools = {{ip("10.0.3.100"), ip("10.0.3.199")}};
    remote.routers = {ip("10.0.3.1")};
    remote.lease_seconds = 1200;
    config.subnets = {lan, remote};
    return config;
}

DhcpMessage from_client(DhcpMessageType type, int client, std::uint32_t xid = 0x1000) {
    DhcpMessage message;
    message.xid = xid + static_cast<std::uint32_t>(client);
    message.set_client_mac(mac(client));
    message.set(option::kMessageType, {static_cast<std::uint8_t>(type)});
    return message;
}

Received on_lan(DhcpMessage message) { return {std::move(message), "eth0", kServer}; }

// A client's whole DISCOVER, OFFER, REQUEST, ACK; the address it got.
wire::Ipv4Address lease_for(DhcpServer& server, int client, UnixTime now = kStart) {
    auto offer = server.handle(on_lan(from_client(DhcpMessageType::discover, client)), now);
    REQUIRE(offer.reply);
    auto request = from_client(DhcpMessageType::request, client);
    request.set_address(option::kRequestedAddress, offer.reply->message.your_address);
    request.set_address(option::kServerIdentifier, kServer);
    auto ack = server.handle(on_lan(request), now);
    REQUIRE(ack.reply);
    REQUIRE(ack.reply->message.message_type() == DhcpMessageType::ack);
    return ack.reply->message.your_address;
}

}  // namespace

TEST_CASE("DISCOVER, OFFER, REQUEST, ACK: the address, its lease, and the subnet's configuration",
          "[dhcp][server]") {
    DhcpServer server(campus_config(), {});
    auto discover = from_client(DhcpMessageType::discover, 4);
    auto offer = server.handle(on_lan(discover), kStart);
    REQUIRE(offer.reply);
    const auto& offered = offer.reply->message;
    CHECK(offer.event == "dhcp.offer");
    CHECK(offered.op == DhcpMessage::kBootReply);
    CHECK(offered.message_type() == DhcpMessageType::offer);
    CHECK(offered.xid == discover.xid);
    CHECK(offered.your_address == ip("10.0.1.100"));  // the pool's first
    CHECK(offered.address(option::kServerIdentifier) == kServer);
    CHECK(offered.u32(option::kLeaseTime) == 600u);
    CHECK(offered.u32(option::kRenewalTime) == 300u);
    CHECK(offered.u32(option::kRebindingTime) == 525u);
    CHECK(offered.address(option::kSubnetMask) == ip("255.255.255.0"));
    CHECK(offered.addresses(option::kRouter) == std::vector{ip("10.0.1.1")});
    CHECK(offered.addresses(option::kDomainNameServer) == std::vector{ip("10.0.2.53")});
    CHECK(offered.text(option::kDomainName) == "campus.example");
    CHECK(offered.address(option::kBroadcastAddress) == ip("10.0.1.255"));
    CHECK(offer.changed.empty());  // an offer is not a lease
    // No broadcast bit (udhcpc's way): to yiaddr at chaddr, not by ARP.
    CHECK(offer.reply->target.kind == ReplyTarget::Kind::hardware);
    CHECK(offer.reply->target.ip == ip("10.0.1.100"));
    CHECK(offer.reply->target.mac == mac(4));
    CHECK(offer.reply->interface == "eth0");

    auto request = from_client(DhcpMessageType::request, 4);
    request.set_address(option::kRequestedAddress, ip("10.0.1.100"));
    request.set_address(option::kServerIdentifier, kServer);
    request.set_text(option::kHostName, "h4");
    auto ack = server.handle(on_lan(request), kStart + 1);
    REQUIRE(ack.reply);
    CHECK(ack.event == "dhcp.ack");
    CHECK(ack.reply->message.message_type() == DhcpMessageType::ack);
    CHECK(ack.reply->message.your_address == ip("10.0.1.100"));
    REQUIRE(ack.changed.size() == 1);  // to be made durable before the ACK goes
    CHECK(ack.changed[0].address == ip("10.0.1.100"));
    CHECK(ack.changed[0].expires == kStart + 1 + 600);
    CHECK(ack.changed[0].hostname == "h4");
    CHECK(ack.changed[0].state == LeaseState::leased);
    CHECK(server.table().active_leases(kStart + 1) == 1);
    CHECK(server.counters().offers == 1);
    CHECK(server.counters().acks == 1);

    // With the broadcast bit, replies are broadcast.
    auto flagged = from_client(DhcpMessageType::discover, 5);
    flagged.flags = DhcpMessage::kBroadcastFlag;
    auto broadcast = server.handle(on_lan(flagged), kStart);
    REQUIRE(broadcast.reply);
    CHECK(broadcast.reply->target.kind == ReplyTarget::Kind::broadcast);
    CHECK(broadcast.reply->message.broadcast());
    CHECK(broadcast.reply->message.your_address == ip("10.0.1.101"));  // .100 is leased
}

TEST_CASE("an offered address is held for its client, then free again, a client keeps its address",
          "[dhcp][server]") {
    DhcpServer server(campus_config(), {});
    auto first = server.handle(on_lan(from_client(DhcpMessageType::discover, 4)), kStart);
    auto second = server.handle(on_lan(from_client(DhcpMessageType::discover, 5)), kStart);
    CHECK(first.reply->message.your_address == ip("10.0.1.100"));
    CHECK(second.reply->message.your_address == ip("10.0.1.101"));
    // The same client asking again is offered the same address.
    CHECK(server.handle(on_lan(from_client(DhcpMessageType::discover, 4)), kStart + 2).reply->message.your_address ==
          ip("10.0.1.100"));
    // After the hold (30 s) it is anyone's, once no address that was never offered is left.
    CHECK(server.handle(on_lan(from_client(DhcpMessageType::discover, 6)), kStart + 40).reply->message.your_address ==
          ip("10.0.1.102"));
    CHECK(server.handle(on_lan(from_client(DhcpMessageType::discover, 7)), kStart + 40).reply->message.your_address ==
          ip("10.0.1.100"));

    // A client that leased, released and came back gets its address again.
    DhcpServer again(campus_config(), {});
    auto address = lease_for(again, 7);
    auto release = from_client(DhcpMessageType::release, 7);
    release.client_address = address;
    release.set_address(option::kServerIdentifier, kServer);
    auto released = again.handle(on_lan(release), kStart + 10);
    CHECK(released.event == "dhcp.release");
    REQUIRE(released.changed.size() == 1);
    CHECK(released.changed[0].state == LeaseState::released);
    CHECK_FALSE(released.reply);  // RFC 2131 §4.3.4: no reply to a RELEASE
    CHECK(again.table().active_leases(kStart + 10) == 0);
    CHECK(lease_for(again, 8, kStart + 20) != address);  // a newcomer gets another while one is free
    CHECK(lease_for(again, 7, kStart + 30) == address);
}

TEST_CASE("a REQUEST for another server's offer lets ours go", "[dhcp][server]") {
    DhcpServer server(campus_config(), {});
    server.handle(on_lan(from_client(DhcpMessageType::discover, 4)), kStart);
    auto request = from_client(DhcpMessageType::request, 4);
    request.set_address(option::kRequestedAddress, ip("10.0.7.9"));
    request.set_address(option::kServerIdentifier, ip("10.0.1.2"));
    auto decision = server.handle(on_lan(request), kStart + 1);
    CHECK_FALSE(decision.reply);
    CHECK(decision.event == "dhcp.request.other_server");
    CHECK_FALSE(server.table().offered_to(ip("10.0.1.100"), kStart + 1));
    CHECK(server.table().free_for(ip("10.0.1.100"), "hw:1:02:00:00:00:00:05", kStart + 1));
}

TEST_CASE("INIT-REBOOT, RENEWING and REBINDING keep a client's own address and refuse any other",
          "[dhcp][server]") {
    DhcpServer server(campus_config(), {});
    auto address = lease_for(server, 4);

    // INIT-REBOOT: requested address, no server identifier.
    auto reboot = from_client(DhcpMessageType::request, 4);
    reboot.set_address(option::kRequestedAddress, address);
    auto kept = server.handle(on_lan(reboot), kStart + 100);
    REQUIRE(kept.reply);
    CHECK(kept.reply->message.message_type() == DhcpMessageType::ack);
    CHECK(kept.changed.at(0).expires == kStart + 100 + 600);

    // From another network: NAK, broadcast, saying why.
    auto moved = from_client(DhcpMessageType::request, 4);
    moved.set_address(option::kRequestedAddress, ip("10.0.5.5"));
    auto wrong = server.handle(on_lan(moved), kStart + 100);
    REQUIRE(wrong.reply);
    CHECK(wrong.reply->message.message_type() == DhcpMessageType::nak);
    CHECK(wrong.reply->message.text(option::kMessage) == "wrong network");
    CHECK(wrong.reply->message.your_address == wire::Ipv4Address{});
    CHECK(wrong.reply->message.find(option::kLeaseTime) == nullptr);
    CHECK(wrong.reply->target.kind == ReplyTarget::Kind::broadcast);

    // Someone else's address: NAK.
    auto greedy = from_client(DhcpMessageType::request, 5);
    greedy.set_address(option::kRequestedAddress, address);
    auto taken = server.handle(on_lan(greedy), kStart + 100);
    REQUIRE(taken.reply);
    CHECK(taken.reply->message.text(option::kMessage) == "address leased to another client");

    // An address nobody leased to this client: authoritative, so NAK; otherwise silence.
    auto stranger = from_client(DhcpMessageType::request, 6);
    stranger.set_address(option::kRequestedAddress, ip("10.0.1.102"));
    CHECK(server.handle(on_lan(stranger), kStart + 100).reply->message.message_type() == DhcpMessageType::nak);
    auto polite_config = campus_config();
    polite_config.authoritative = false;
    DhcpServer polite(polite_config, {});
    auto silent = polite.handle(on_lan(stranger), kStart + 100);
    CHECK_FALSE(silent.reply);
    CHECK(silent.event == "dhcp.request.unknown_client");

    // RENEWING: ciaddr, unicast back to it.
    auto renew = from_client(DhcpMessageType::request, 4);
    renew.client_address = address;
    auto renewed = server.handle(on_lan(renew), kStart + 400);
    REQUIRE(renewed.reply);
    CHECK(renewed.reply->message.message_type() == DhcpMessageType::ack);
    CHECK(renewed.reply->message.client_address == address);
    CHECK(renewed.reply->target.kind == ReplyTarget::Kind::client_ip);
    CHECK(renewed.reply->target.ip == address);
    CHECK(renewed.changed.at(0).expires == kStart + 400 + 600);

    // Expired but untouched since: the same client may have it back.
    auto late = from_client(DhcpMessageType::request, 4);
    late.client_address = address;
    CHECK(server.handle(on_lan(late), kStart + 5000).reply->message.message_type() == DhcpMessageType::ack);
}

TEST_CASE("a declined address is held back, and only its client may decline it", "[dhcp][server]") {
    DhcpServer server(campus_config(), {});
    auto address = lease_for(server, 4);
    auto stranger = from_client(DhcpMessageType::decline, 5);
    stranger.set_address(option::kRequestedAddress, address);
    stranger.set_address(option::kServerIdentifier, kServer);
    CHECK(server.handle(on_lan(stranger), kStart + 1).event == "dhcp.decline.not_theirs");

    auto decline = from_client(DhcpMessageType::decline, 4);
    decline.set_address(option::kRequestedAddress, address);
    decline.set_address(option::kServerIdentifier, kServer);
    auto declined = server.handle(on_lan(decline), kStart + 2);
    CHECK(declined.event == "dhcp.decline");
    CHECK_FALSE(declined.reply);
    REQUIRE(declined.changed.size() == 1);
    CHECK(declined.changed[0].state == LeaseState::declined);
    // The client starts over and gets another address; so does everyone, for the hold.
    CHECK(lease_for(server, 4, kStart + 3) != address);
    CHECK(lease_for(server, 6, kStart + 4) != address);
    CHECK(server.counters().declines == 1);
    // After the hold it is handed out again.
    CHECK(lease_for(server, 7, kStart + 2 + 3600) == address);
}

TEST_CASE("an exhausted pool makes no offer and says so, reservations are kept for their MAC",
          "[dhcp][server]") {
    DhcpServer server(campus_config(), {});
    CHECK(lease_for(server, 0x50) == ip("10.0.1.50"));  // its reservation, outside the pool
    CHECK(lease_for(server, 1) == ip("10.0.1.100"));
    CHECK(lease_for(server, 2) == ip("10.0.1.101"));
    CHECK(lease_for(server, 3) == ip("10.0.1.102"));
    // A client asking for the reserved address does not get it.
    auto cheeky = from_client(DhcpMessageType::discover, 9);
    cheeky.set_address(option::kRequestedAddress, ip("10.0.1.50"));
    auto none = server.handle(on_lan(cheeky), kStart);
    CHECK_FALSE(none.reply);
    CHECK(none.event == "dhcp.pool_exhausted");
    CHECK(none.detail.find("10.0.1.0/24") != std::string::npos);
    CHECK(server.counters().exhausted == 1);
}

TEST_CASE("a relayed DISCOVER is answered from giaddr's subnet, to the relay, with its option 82",
          "[dhcp][server]") {
    DhcpServer server(campus_config(), {});
    auto discover = from_client(DhcpMessageType::discover, 4);
    discover.relay_address = ip("10.0.3.1");
    discover.hops = 1;
    auto circuit = wire::make_relay_agent_information({{wire::relay_agent_suboption::kCircuitId, {'e', 't', 'h', '2'}}});
    discover.set(option::kRelayAgentInformation, circuit);
    auto offer = server.handle(on_lan(discover), kStart);
    REQUIRE(offer.reply);
    CHECK(offer.reply->message.your_address == ip("10.0.3.100"));
    CHECK(offer.reply->message.relay_address == ip("10.0.3.1"));
    CHECK(offer.reply->message.addresses(option::kRouter) == std::vector{ip("10.0.3.1")});
    CHECK(offer.reply->message.u32(option::kLeaseTime) == 1200u);
    CHECK(offer.reply->message.find(option::kRelayAgentInformation)->data == circuit);
    CHECK(offer.reply->target.kind == ReplyTarget::Kind::relay);
    CHECK(offer.reply->target.ip == ip("10.0.3.1"));
    CHECK(offer.reply->target.port == DhcpMessage::kServerPort);

    // A NAK through the relay goes to it with the broadcast bit, for it to broadcast.
    auto wrong = from_client(DhcpMessageType::request, 4);
    wrong.relay_address = ip("10.0.3.1");
    wrong.set_address(option::kRequestedAddress, ip("10.0.1.100"));
    auto nak = server.handle(on_lan(wrong), kStart);
    REQUIRE(nak.reply);
    CHECK(nak.reply->message.message_type() == DhcpMessageType::nak);
    CHECK(nak.reply->message.broadcast());
    CHECK(nak.reply->target.kind == ReplyTarget::Kind::relay);

    // A relay on a subnet we do not serve: dropped and said.
    auto lost = from_client(DhcpMessageType::discover, 5);
    lost.relay_address = ip("192.0.2.1");
    auto dropped = server.handle(on_lan(lost), kStart);
    CHECK_FALSE(dropped.reply);
    CHECK(dropped.event == "dhcp.drop.no_subnet");
}

TEST_CASE("INFORM gets configuration, no address and no lease", "[dhcp][server]") {
    DhcpServer server(campus_config(), {});
    auto inform = from_client(DhcpMessageType::inform, 4);
    inform.client_address = ip("10.0.1.20");
    auto decision = server.handle(on_lan(inform), kStart);
    REQUIRE(decision.reply);
    const auto& ack = decision.reply->message;
    CHECK(ack.message_type() == DhcpMessageType::ack);
    CHECK(ack.your_address == wire::Ipv4Address{});
    CHECK(ack.find(option::kLeaseTime) == nullptr);
    CHECK(ack.addresses(option::kRouter) == std::vector{ip("10.0.1.1")});
    CHECK(decision.reply->target.kind == ReplyTarget::Kind::client_ip);
    CHECK(decision.reply->target.ip == ip("10.0.1.20"));
    CHECK(decision.changed.empty());
}

TEST_CASE("a server started from its saved leases hands none of them out again", "[dhcp][server]") {
    std::vector<Lease> saved;
    {
        DhcpServer before(campus_config(), {});
        lease_for(before, 1);
        lease_for(before, 2);
        saved = before.table().leases();
    }
    DhcpServer after(campus_config(), saved);
    CHECK(after.table().active_leases(kStart + 10) == 2);
    CHECK(lease_for(after, 3, kStart + 10) == ip("10.0.1.102"));
    CHECK(lease_for(after, 1, kStart + 10) == ip("10.0.1.100"));  // and its owner keeps it
}

TEST_CASE("clients are known by their client identifier when they send one, else by MAC", "[dhcp][server]") {
    std::vector<std::uint8_t> identifier{1, 2, 0, 0, 0, 0, 4};
    CHECK(client_identity(&identifier, 1, mac(4)) == "id:01020000000004");
    CHECK(client_identity(nullptr, 1, mac(4)) == "hw:1:02:00:00:00:00:04");

    // One identifier on two MACs is one client (a host whose NIC was replaced).
    DhcpServer server(campus_config(), {});
    auto first = from_client(DhcpMessageType::discover, 4);
    first.set(option::kClientIdentifier, {0, 'h', 'o', 's', 't'});
    auto offer = server.handle(on_lan(first), kStart);
    auto second = from_client(DhcpMessageType::discover, 9);
    second.set(option::kClientIdentifier, {0, 'h', 'o', 's', 't'});
    auto again = server.handle(on_lan(second), kStart + 1);
    CHECK(again.reply->message.your_address == offer.reply->message.your_address);
    // RFC 6842: the identifier comes back in the reply.
    CHECK(again.reply->message.find(option::kClientIdentifier)->data == std::vector<std::uint8_t>{0, 'h', 'o', 's', 't'});
}

TEST_CASE("what is not a DHCP request is dropped and counted", "[dhcp][server]") {
    DhcpServer server(campus_config(), {});
    auto reply = from_client(DhcpMessageType::offer, 4);
    reply.op = DhcpMessage::kBootReply;
    CHECK(server.handle(on_lan(reply), kStart).event == "dhcp.drop.not_a_request");
    auto bootp = from_client(DhcpMessageType::discover, 4);
    bootp.erase(option::kMessageType);
    CHECK(server.handle(on_lan(bootp), kStart).event == "dhcp.drop.bootp");
    auto token_ring = from_client(DhcpMessageType::discover, 4);
    token_ring.hardware_type = 6;
    CHECK(server.handle(on_lan(token_ring), kStart).event == "dhcp.drop.hardware");
    auto empty = from_client(DhcpMessageType::request, 4);
    CHECK(server.handle(on_lan(empty), kStart).event == "dhcp.drop.request_without_address");
    CHECK(server.counters().malformed == 3);
    CHECK(server.counters().ignored == 1);
    CHECK(server.counters().received == 4);
}

TEST_CASE("the lease file keeps every change, the last per address wins, and a torn line is skipped",
          "[dhcp][leases]") {
    auto directory = std::filesystem::temp_directory_path() / fmt::format("emu-leases-{}", ::getpid());
    std::filesystem::create_directories(directory);
    auto path = directory / "leases";
    CHECK(LeaseFile::load(path).leases.empty());  // no file yet: no leases

    Lease first{ip("10.0.1.100"), "hw:1:02:00:00:00:00:04", mac(4), "h4", kStart + 600, LeaseState::leased};
    Lease second{ip("10.0.1.101"), "id:0102", mac(5), "", kStart + 600, LeaseState::leased};
    {
        LeaseFile file(path, {first});
        file.append({second});
        first.state = LeaseState::released;
        first.expires = kStart + 10;
        file.append({first});
    }
    auto loaded = LeaseFile::load(path);
    CHECK(loaded.skipped_lines == 0);
    CHECK(loaded.leases == std::vector<Lease>{first, second});

    // A crash in the middle of an append leaves half a line; that change was never
    // acknowledged, so skipping it loses nothing that was promised.
    {
        std::ofstream torn(path, std::ios::app);
        torn << R"({"address":"10.0.1.102","client":"hw:1:02:00)";
    }
    loaded = LeaseFile::load(path);
    CHECK(loaded.skipped_lines == 1);
    CHECK(loaded.leases.size() == 2);
    // Starting from it rewrites it whole, without the torn line.
    { LeaseFile rewritten(path, loaded.leases); }
    CHECK(LeaseFile::load(path).skipped_lines == 0);
    CHECK(LeaseFile::load(path).leases == loaded.leases);
    std::filesystem::remove_all(directory);
}

TEST_CASE("emu-dhcpd's configuration reads back what was written and names what is wrong", "[dhcp][config]") {
    auto config = campus_config();
    auto again = server_config_from_json(to_json(config));
    REQUIRE(again.subnets.size() == 2);
    CHECK(again.subnets[0].prefix == config.subnets[0].prefix);
    CHECK(again.subnets[0].pools[0].first == ip("10.0.1.100"));
    CHECK(again.subnets[0].pools[0].last == ip("10.0.1.102"));
    CHECK(again.subnets[0].reservations[0].mac == mac(0x50));
    CHECK(again.subnets[0].routers == config.subnets[0].routers);
    CHECK(again.subnets[0].dns_servers == config.subnets[0].dns_servers);
    CHECK(again.subnets[0].domain_name == "campus.example");
    CHECK(again.subnets[1].lease_seconds == 1200u);
    CHECK(again.authoritative == config.authoritative);

    auto refused = [](const std::string& text) {
        try {
            server_config_from_json(nlohmann::json::parse(text));
        } catch (const std::invalid_argument& error) {
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    CHECK(refused(R"({"subnets": []})") == "subnets: at least one subnet is needed");
    CHECK(refused(R"({"subnets": [{"pools": []}]})") == "subnets[0].subnet: missing");
    CHECK(refused(R"({"subnets": [{"subnet": "10.0.1.0/24", "pools": [{"first": "10.0.2.1", "last": "10.0.2.9"}]}]})") ==
          "subnets[0].pools[0]: the pool must lie inside 10.0.1.0/24");
    CHECK(refused(R"({"subnets": [{"subnet": "10.0.1.0/24", "pools": [{"first": "10.0.1.9", "last": "10.0.1.1"}]}]})") ==
          "subnets[0].pools[0]: first 10.0.1.9 is after last 10.0.1.1");
    CHECK(refused(R"({"subnets": [{"subnet": "10.0.1.0/24"}]})") == "subnets[0]: has neither pools nor reservations");
    CHECK(refused(R"({"subnets": [{"subnet": "10.0.1.0/24", "pools": [{"first": "10.0.1.1", "last": "10.0.1.9"}],
                      "routers": ["10.0.1"]}]})")
              .rfind("subnets[0].routers[0]: ", 0) == 0);
    CHECK(refused(R"({"subnets": [{"subnet": "10.0.0.0/16", "pools": [{"first": "10.0.1.1", "last": "10.0.1.9"}]},
                                  {"subnet": "10.0.1.0/24", "pools": [{"first": "10.0.1.1", "last": "10.0.1.9"}]}]})") ==
          "subnets[1]: 10.0.1.0/24 overlaps 10.0.0.0/16");
    CHECK(refused(R"({"subnets": [{"subnet": "10.0.1.0/24", "pools": [{"first": "10.0.1.1", "last": "10.0.1.9"}],
                      "lease_seconds": 0}]})") == "subnets[0].lease_seconds: must be a number of seconds from 1 to 4294967295");
}
