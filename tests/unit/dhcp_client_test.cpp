// emu-host's DHCP client engine, with a fake clock: RFC 2131 §4.4 message by message —
// what it sends in each state, which replies it takes, when it retransmits, renews,
// rebinds, gives up and starts over — and the same engine talking to emu-dhcpd's.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nodes/dhcpd/dhcp_server.hpp"
#include "nodes/host/agent_config.hpp"
#include "nodes/host/dhcp_client.hpp"
#include "nodes/host/lease_text.hpp"
#include "nodes/host/remembered_lease.hpp"
#include "nodes/host/resolv_conf.hpp"

using namespace emu;
using namespace emu::host;
using namespace std::chrono_literals;
using wire::DhcpMessage;
using wire::DhcpMessageType;
namespace option = wire::dhcp_option;

namespace {

wire::Ipv4Address ip(const char* text) { return *wire::Ipv4Address::parse(text); }
const auto kMac = *wire::MacAddress::parse("02:00:00:00:00:07");
const auto kServer = ip("10.0.1.2");
const auto kOther = ip("10.0.1.3");
constexpr ClientTime kStart{1'000'000};

DhcpClientSettings settings() {
    DhcpClientSettings settings;
    settings.mac = kMac;
    settings.hostname = "h1";
    settings.seed = 42;
    return settings;
}

// A server's reply to the client's current transaction.
DhcpMessage reply(const DhcpClient& client, DhcpMessageType type, const char* address = "10.0.1.100",
                  wire::Ipv4Address server = kServer) {
    DhcpMessage message;
    message.op = DhcpMessage::kBootReply;
    message.xid = client.transaction_id();
    message.your_address = ip(address);
    message.set_client_mac(kMac);
    message.set(option::kMessageType, {static_cast<std::uint8_t>(type)});
    message.set_address(option::kServerIdentifier, server);
    if (type == DhcpMessageType::offer || type == DhcpMessageType::ack) {
        message.set_u32(option::kLeaseTime, 600);
        message.set_address(option::kSubnetMask, ip("255.255.255.0"));
        message.set_addresses(option::kRouter, {ip("10.0.1.1")});
        message.set_addresses(option::kDomainNameServer, {ip("10.0.1.2")});
        message.set_text(option::kDomainName, "lab.example");
    }
    if (type == DhcpMessageType::nak) message.your_address = {};
    return message;
}

DhcpMessageType type_of(const DhcpClientActions& actions) {
    REQUIRE(actions.send);
    return *actions.send->message.message_type();
}

// A client taken through DISCOVER, OFFER, REQUEST, ACK at kStart.
DhcpClient bound_client() {
    DhcpClient client(settings());
    client.start(kStart);
    client.receive(reply(client, DhcpMessageType::offer), kStart + 5ms);
    auto bound = client.receive(reply(client, DhcpMessageType::ack), kStart + 10ms);
    REQUIRE(bound.apply);
    REQUIRE(client.state() == DhcpClientState::bound);
    return client;
}

}  // namespace

TEST_CASE("DISCOVER, OFFER, REQUEST, ACK: broadcast from 0.0.0.0 until bound, then the lease to apply",
          "[dhcp][client]") {
    DhcpClient client(settings());
    auto discover = client.start(kStart);
    CHECK(client.state() == DhcpClientState::selecting);
    REQUIRE(type_of(discover) == DhcpMessageType::discover);
    const auto& sent = discover.send->message;
    CHECK(discover.send->path == DhcpPath::link_broadcast);
    CHECK(sent.op == DhcpMessage::kBootRequest);
    CHECK(sent.client_mac() == kMac);
    CHECK(sent.client_address == wire::Ipv4Address{});
    CHECK_FALSE(sent.broadcast());  // our packet socket takes a unicast reply too
    CHECK(sent.text(option::kHostName) == "h1");
    CHECK(sent.u16(option::kMaximumMessageSize) == 1472);
    CHECK(sent.find(option::kParameterRequestList) != nullptr);
    auto client_id = sent.find(option::kClientIdentifier);
    REQUIRE(client_id);
    CHECK(client_id->data == std::vector<std::uint8_t>{1, 2, 0, 0, 0, 0, 7});
    CHECK_FALSE(client.has_address());

    auto request = client.receive(reply(client, DhcpMessageType::offer), kStart + 5ms);
    REQUIRE(type_of(request) == DhcpMessageType::request);
    CHECK(client.state() == DhcpClientState::requesting);
    CHECK(request.send->path == DhcpPath::link_broadcast);
    CHECK(request.send->message.xid == sent.xid);  // §4.4.1: the DISCOVER's transaction
    CHECK(request.send->message.address(option::kRequestedAddress) == ip("10.0.1.100"));
    CHECK(request.send->message.address(option::kServerIdentifier) == kServer);
    CHECK(request.send->message.client_address == wire::Ipv4Address{});

    auto bound = client.receive(reply(client, DhcpMessageType::ack), kStart + 10ms);
    CHECK(bound.event == "dhcp.bound");
    CHECK_FALSE(bound.send);
    CHECK_FALSE(bound.remove);
    REQUIRE(bound.apply);
    CHECK(bound.apply->address == ip("10.0.1.100"));
    CHECK(bound.apply->prefix_length == 24);
    CHECK(bound.apply->server == kServer);
    CHECK(bound.apply->routers == std::vector{ip("10.0.1.1")});
    CHECK(bound.apply->dns_servers == std::vector{ip("10.0.1.2")});
    CHECK(bound.apply->domain == "lab.example");
    // §4.4.5: T1 half the lease, T2 seven eighths, counted from when the REQUEST went out.
    CHECK(bound.apply->renew_seconds == 300);
    CHECK(bound.apply->rebind_seconds == 525);
    CHECK(bound.apply->start == kStart + 5ms);
    CHECK(client.state() == DhcpClientState::bound);
    CHECK(client.has_address());
    CHECK(client.next_wakeup() == kStart + 5ms + 300s);
}

TEST_CASE("Replies that are not for this client's transaction are ignored", "[dhcp][client]") {
    DhcpClient client(settings());
    client.start(kStart);

    auto other_transaction = reply(client, DhcpMessageType::offer);
    other_transaction.xid ^= 1;
    auto other_client = reply(client, DhcpMessageType::offer);
    other_client.set_client_mac(*wire::MacAddress::parse("02:00:00:00:00:08"));
    auto a_request = reply(client, DhcpMessageType::offer);
    a_request.op = DhcpMessage::kBootRequest;
    auto no_server_id = reply(client, DhcpMessageType::offer);
    no_server_id.erase(option::kServerIdentifier);
    auto no_address = reply(client, DhcpMessageType::offer, "0.0.0.0");
    auto an_ack = reply(client, DhcpMessageType::ack);  // not in SELECTING
    auto no_type = reply(client, DhcpMessageType::offer);
    no_type.erase(option::kMessageType);

    for (const auto& message : {other_transaction, other_client, a_request, no_server_id, no_address, an_ack, no_type}) {
        auto actions = client.receive(message, kStart + 1ms);
        CHECK(actions.event.empty());
        CHECK_FALSE(actions.send);
        CHECK(client.state() == DhcpClientState::selecting);
    }
}

TEST_CASE("DISCOVERs are retransmitted after 4, 8, 16, 32, 64, 64 s, each within a second of it",
          "[dhcp][client]") {
    DhcpClient client(settings());
    client.start(kStart);
    auto xid = client.transaction_id();
    auto now = kStart;
    for (auto expected : {4s, 8s, 16s, 32s, 64s, 64s, 64s}) {
        auto wait = client.next_wakeup() - now;
        CHECK(wait >= ClientTime(expected) - 1s);
        CHECK(wait <= ClientTime(expected) + 1s);
        CHECK(client.wake(client.next_wakeup() - 1ms).event.empty());  // not before its time
        now = client.next_wakeup();
        auto again = client.wake(now);
        REQUIRE(type_of(again) == DhcpMessageType::discover);
        CHECK(again.send->message.xid == xid);
        // secs (§2): seconds since the client began, so a relay or server can favour it.
        CHECK(again.send->message.seconds ==
              std::chrono::duration_cast<std::chrono::seconds>(now - kStart).count());
    }
}

TEST_CASE("A REQUEST nobody answers is retransmitted, then the client starts over with a new DISCOVER",
          "[dhcp][client]") {
    DhcpClient client(settings());
    client.start(kStart);
    auto first_xid = client.transaction_id();
    client.receive(reply(client, DhcpMessageType::offer), kStart);
    for (int attempt = 2; attempt <= 4; ++attempt) {
        auto again = client.wake(client.next_wakeup());
        REQUIRE(type_of(again) == DhcpMessageType::request);
        CHECK(again.detail.find(fmt::format("attempt={}", attempt)) != std::string::npos);
    }
    auto over = client.wake(client.next_wakeup());
    CHECK(over.event == "dhcp.request_unanswered");
    REQUIRE(type_of(over) == DhcpMessageType::discover);
    CHECK(client.state() == DhcpClientState::selecting);
    CHECK(client.transaction_id() != first_xid);
}

TEST_CASE("Only the chosen server's ACK or NAK counts while REQUESTING", "[dhcp][client]") {
    DhcpClient client(settings());
    client.start(kStart);
    client.receive(reply(client, DhcpMessageType::offer), kStart);
    CHECK(client.receive(reply(client, DhcpMessageType::ack, "10.0.1.150", kOther), kStart).event.empty());
    CHECK(client.receive(reply(client, DhcpMessageType::nak, "0.0.0.0", kOther), kStart).event.empty());
    auto without_lease_time = reply(client, DhcpMessageType::ack);
    without_lease_time.erase(option::kLeaseTime);  // §4.3.1 requires it: not usable
    CHECK(client.receive(without_lease_time, kStart).event.empty());
    CHECK(client.state() == DhcpClientState::requesting);
    CHECK(client.receive(reply(client, DhcpMessageType::ack), kStart).event == "dhcp.bound");
}

TEST_CASE("At T1 the client renews by unicast to its server, the ACK extends the lease in place",
          "[dhcp][client]") {
    auto client = bound_client();
    auto t1 = client.next_wakeup();
    auto bound_xid = client.transaction_id();
    auto renew = client.wake(t1);
    REQUIRE(type_of(renew) == DhcpMessageType::request);
    CHECK(client.state() == DhcpClientState::renewing);
    CHECK(renew.send->path == DhcpPath::udp_unicast);
    CHECK(renew.send->to == kServer);
    // §4.3.2, RENEWING: ciaddr filled in; no requested address, no server identifier.
    CHECK(renew.send->message.client_address == ip("10.0.1.100"));
    CHECK(renew.send->message.find(option::kRequestedAddress) == nullptr);
    CHECK(renew.send->message.find(option::kServerIdentifier) == nullptr);
    CHECK(client.transaction_id() != bound_xid);

    auto renewed = client.receive(reply(client, DhcpMessageType::ack), t1 + 3ms);
    CHECK(renewed.event == "dhcp.renewed");
    CHECK_FALSE(renewed.remove);  // same address: nothing is taken down
    REQUIRE(renewed.apply);
    CHECK(renewed.apply->start == t1);
    CHECK(client.state() == DhcpClientState::bound);
    CHECK(client.next_wakeup() == t1 + 300s);
}

TEST_CASE("RENEWING retransmits after half the time to T2 (at least 60 s), then REBINDING broadcasts until the lease ends",
          "[dhcp][client]") {
    auto client = bound_client();
    auto start = client.lease()->start;
    auto t1 = client.next_wakeup();
    client.wake(t1);
    // T2 is 225 s after T1: half is 112.5 s.
    CHECK(client.next_wakeup() == t1 + 112500ms);
    client.wake(client.next_wakeup());
    CHECK(client.next_wakeup() == t1 + 112500ms + 60s);  // half of 112.5 s is below the 60 s floor
    client.wake(client.next_wakeup());
    CHECK(client.next_wakeup() == start + 525s);  // never past T2

    auto rebind = client.wake(start + 525s);
    REQUIRE(type_of(rebind) == DhcpMessageType::request);
    CHECK(client.state() == DhcpClientState::rebinding);
    CHECK(rebind.send->path == DhcpPath::udp_broadcast);
    CHECK(rebind.send->message.client_address == ip("10.0.1.100"));
    CHECK(client.next_wakeup() == start + 585s);  // 75 s left: 60 s

    SECTION("another server's ACK rebinds the lease") {
        auto rebound = client.receive(reply(client, DhcpMessageType::ack, "10.0.1.100", kOther), start + 530s);
        CHECK(rebound.event == "dhcp.rebound");
        REQUIRE(rebound.apply);
        CHECK(rebound.apply->server == kOther);
        CHECK(client.state() == DhcpClientState::bound);
    }
    SECTION("nobody answers: at the end of the lease the address goes and the client starts over") {
        client.wake(client.next_wakeup());
        CHECK(client.next_wakeup() == start + 600s);
        auto expired = client.wake(start + 600s);
        CHECK(expired.event == "dhcp.expired");
        REQUIRE(expired.remove);
        CHECK(expired.remove->address == ip("10.0.1.100"));
        REQUIRE(type_of(expired) == DhcpMessageType::discover);
        CHECK(expired.send->path == DhcpPath::link_broadcast);
        // It may still ask for the address it had (§4.4.1).
        CHECK(expired.send->message.address(option::kRequestedAddress) == ip("10.0.1.100"));
        CHECK_FALSE(client.has_address());
    }
}

TEST_CASE("A NAK sends the client back to INIT: the address goes and a DISCOVER follows", "[dhcp][client]") {
    SECTION("while renewing") {
        auto client = bound_client();
        client.wake(client.next_wakeup());
        auto nak = reply(client, DhcpMessageType::nak);
        nak.set_text(option::kMessage, "10.0.1.100 is not on this network");
        auto actions = client.receive(nak, client.next_wakeup() - 1s);
        CHECK(actions.event == "dhcp.nak");
        CHECK(actions.detail.find("is not on this network") != std::string::npos);
        REQUIRE(actions.remove);
        REQUIRE(type_of(actions) == DhcpMessageType::discover);
        CHECK(actions.send->message.find(option::kRequestedAddress) == nullptr);  // not worth asking for again
        CHECK_FALSE(client.has_address());
    }
    SECTION("a server that NAKs every time is asked again after a backoff, not in a tight loop") {
        DhcpClient client(settings());
        client.start(kStart);
        client.receive(reply(client, DhcpMessageType::offer), kStart);
        auto first = client.receive(reply(client, DhcpMessageType::nak), kStart);
        REQUIRE(type_of(first) == DhcpMessageType::discover);
        client.receive(reply(client, DhcpMessageType::offer), kStart);
        auto second = client.receive(reply(client, DhcpMessageType::nak), kStart);
        CHECK(second.event == "dhcp.nak");
        CHECK_FALSE(second.send);
        CHECK(client.state() == DhcpClientState::init);
        CHECK(client.next_wakeup() >= kStart + 3s);
        CHECK(type_of(client.wake(client.next_wakeup())) == DhcpMessageType::discover);
    }
}

TEST_CASE("INIT-REBOOT asks for the remembered address, broadcast and without a server identifier",
          "[dhcp][client]") {
    DhcpClient client(settings(), ip("10.0.1.100"));
    CHECK(client.state() == DhcpClientState::init_reboot);
    auto request = client.start(kStart);
    REQUIRE(type_of(request) == DhcpMessageType::request);
    CHECK(client.state() == DhcpClientState::rebooting);
    CHECK(request.send->path == DhcpPath::link_broadcast);
    CHECK(request.send->message.address(option::kRequestedAddress) == ip("10.0.1.100"));
    CHECK(request.send->message.find(option::kServerIdentifier) == nullptr);
    CHECK(request.send->message.client_address == wire::Ipv4Address{});

    SECTION("an ACK confirms it") {
        auto bound = client.receive(reply(client, DhcpMessageType::ack), kStart + 1ms);
        CHECK(bound.event == "dhcp.bound");
        CHECK(client.state() == DhcpClientState::bound);
    }
    SECTION("a NAK: DISCOVER without it") {
        auto actions = client.receive(reply(client, DhcpMessageType::nak), kStart + 1ms);
        REQUIRE(type_of(actions) == DhcpMessageType::discover);
        CHECK(actions.send->message.find(option::kRequestedAddress) == nullptr);
    }
    SECTION("no answer: DISCOVER, still suggesting it") {
        for (int attempt = 2; attempt <= 4; ++attempt) client.wake(client.next_wakeup());
        auto actions = client.wake(client.next_wakeup());
        CHECK(actions.event == "dhcp.reboot_unanswered");
        REQUIRE(type_of(actions) == DhcpMessageType::discover);
        CHECK(actions.send->message.address(option::kRequestedAddress) == ip("10.0.1.100"));
    }
}

TEST_CASE("Shutting down RELEASEs the lease to its server and takes the address away", "[dhcp][client]") {
    auto client = bound_client();
    auto release = client.release(kStart + 20s);
    REQUIRE(type_of(release) == DhcpMessageType::release);
    CHECK(release.send->path == DhcpPath::udp_unicast);
    CHECK(release.send->to == kServer);
    CHECK(release.send->message.client_address == ip("10.0.1.100"));
    CHECK(release.send->message.address(option::kServerIdentifier) == kServer);
    REQUIRE(release.remove);
    CHECK_FALSE(client.has_address());
    CHECK(client.next_wakeup() == ClientTime::max());

    DhcpClient never_bound(settings());
    never_bound.start(kStart);
    CHECK_FALSE(never_bound.release(kStart + 1s).send);
}

TEST_CASE("The server's T1 and T2 are used when they make sense, a mask-less ACK gets the class's mask",
          "[dhcp][client]") {
    DhcpClient client(settings());
    client.start(kStart);
    client.receive(reply(client, DhcpMessageType::offer), kStart);
    auto ack = reply(client, DhcpMessageType::ack);
    ack.set_u32(option::kRenewalTime, 100);
    ack.set_u32(option::kRebindingTime, 200);
    ack.erase(option::kSubnetMask);
    auto bound = client.receive(ack, kStart);
    REQUIRE(bound.apply);
    CHECK(bound.apply->renew_seconds == 100);
    CHECK(bound.apply->rebind_seconds == 200);
    CHECK(bound.apply->prefix_length == 8);  // 10/8, class A

    DhcpClient other(settings());
    other.start(kStart);
    other.receive(reply(other, DhcpMessageType::offer), kStart);
    auto backwards = reply(other, DhcpMessageType::ack);
    backwards.set_u32(option::kRenewalTime, 500);
    backwards.set_u32(option::kRebindingTime, 400);  // T1 after T2: RFC defaults instead
    auto defaults = other.receive(backwards, kStart);
    REQUIRE(defaults.apply);
    CHECK(defaults.apply->renew_seconds == 300);
    CHECK(defaults.apply->rebind_seconds == 525);
}

TEST_CASE("A T1 of 0 does not make the client renew the moment it is bound (found by dhcp_client_fuzz)",
          "[dhcp][client]") {
    DhcpClient client(settings());
    client.start(kStart);
    client.receive(reply(client, DhcpMessageType::offer), kStart);
    auto ack = reply(client, DhcpMessageType::ack);
    ack.set_u32(option::kRenewalTime, 0);
    ack.set_u32(option::kRebindingTime, 0);
    auto bound = client.receive(ack, kStart);
    REQUIRE(bound.apply);
    CHECK(bound.apply->renew_seconds == 300);  // the RFC's defaults instead
    CHECK(client.next_wakeup() > kStart);

    DhcpClient short_lease(settings());
    short_lease.start(kStart);
    short_lease.receive(reply(short_lease, DhcpMessageType::offer), kStart);
    auto one_second = reply(short_lease, DhcpMessageType::ack);
    one_second.set_u32(option::kLeaseTime, 1);
    auto brief = short_lease.receive(one_second, kStart);
    REQUIRE(brief.apply);
    CHECK(brief.apply->renew_seconds == 1);
    CHECK(brief.apply->rebind_seconds == 1);
    CHECK(short_lease.next_wakeup() == kStart + 1s);
}

TEST_CASE("An infinite lease is never renewed", "[dhcp][client]") {
    DhcpClient client(settings());
    client.start(kStart);
    client.receive(reply(client, DhcpMessageType::offer), kStart);
    auto ack = reply(client, DhcpMessageType::ack);
    ack.set_u32(option::kLeaseTime, 0xffffffffu);
    auto bound = client.receive(ack, kStart);
    REQUIRE(bound.apply);
    CHECK(bound.apply->infinite());
    CHECK(client.next_wakeup() == ClientTime::max());
}

TEST_CASE("emu-host's client and emu-dhcpd's engine agree, message by message, through the codec",
          "[dhcp][client]") {
    dhcp::ServerConfig config;
    dhcp::Subnet lan;
    lan.prefix = *wire::IpPrefix::parse("10.0.1.0/24");
    lan.pools = {{ip("10.0.1.100"), ip("10.0.1.199")}};
    lan.routers = {ip("10.0.1.1")};
    lan.dns_servers = {ip("10.0.1.2")};
    lan.domain_name = "lab.example";
    lan.lease_seconds = 120;
    config.subnets = {lan};
    dhcp::DhcpServer server(config, {});
    dhcp::UnixTime server_now = 1'800'000'000;

    // Every message crosses as bytes, both ways.
    auto through_wire = [](const DhcpMessage& message) {
        std::vector<std::uint8_t> bytes;
        wire::Writer out(bytes);
        wire::write_dhcp(out, message);
        auto parsed = wire::parse_dhcp(bytes);
        REQUIRE(parsed);
        return *parsed;
    };
    auto exchange = [&](const DhcpClientActions& actions) {
        REQUIRE(actions.send);
        auto decision = server.handle({through_wire(actions.send->message), "eth0", kServer}, server_now);
        REQUIRE(decision.reply);
        return through_wire(decision.reply->message);
    };

    DhcpClient client(settings());
    auto request = client.receive(exchange(client.start(kStart)), kStart);
    auto bound = client.receive(exchange(request), kStart);
    REQUIRE(bound.apply);
    CHECK(bound.apply->address == ip("10.0.1.100"));
    CHECK(bound.apply->lease_seconds == 120);
    CHECK(bound.apply->domain == "lab.example");

    auto renewed = client.receive(exchange(client.wake(client.next_wakeup())), client.next_wakeup());
    CHECK(renewed.event == "dhcp.renewed");

    auto release = client.release(kStart + 70s);
    auto decision = server.handle({through_wire(release.send->message), "eth0", kServer}, server_now + 70);
    CHECK(decision.event == "dhcp.release");
    CHECK(server.counters().releases == 1);
}

TEST_CASE("resolv.conf is made from every lease's name servers and domains", "[dhcp][client]") {
    auto path = std::filesystem::temp_directory_path() / ("emu-resolv-" + std::to_string(::getpid()));
    ResolvConf resolv(path);
    resolv.set("eth0", {ip("10.0.1.2"), ip("10.0.1.3")}, "lab.example");
    resolv.set("eth1", {ip("10.0.1.3"), ip("10.0.9.9"), ip("10.0.9.10")}, "other.example");
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text ==
          "# emu-host: from the DHCP lease on eth0, eth1\n"
          "search lab.example other.example\n"
          "nameserver 10.0.1.2\nnameserver 10.0.1.3\nnameserver 10.0.9.9\n");
    resolv.clear("eth0");
    resolv.clear("eth1");
    CHECK(resolv.text() == "# emu-host: no DHCP lease names a name server\n");
    std::filesystem::remove(path);
    CHECK_FALSE(is_node_file("/nonexistent/resolv.conf"));
}

TEST_CASE("A remembered lease comes back until it ends, a torn or foreign file is no lease", "[dhcp][client]") {
    auto path = std::filesystem::temp_directory_path() / ("emu-lease-" + std::to_string(::getpid()));
    remember_lease(path, {ip("10.0.1.100"), 24, {ip("10.0.1.1")}, 2000});
    auto back = load_remembered_lease(path, 1999);
    REQUIRE(back);
    CHECK(back->address == ip("10.0.1.100"));
    CHECK(back->routers == std::vector{ip("10.0.1.1")});
    CHECK_FALSE(load_remembered_lease(path, 2000));  // ended
    for (const char* bad : {"{\"address\": \"10.0.1.100\"", "[]", "{\"address\": 5, \"prefix_length\": 24}",
                            "{\"address\": \"10.0.1.100\", \"prefix_length\": 40, \"routers\": [], \"expires\": 9e9}"}) {
        std::ofstream(path) << bad;
        CHECK_FALSE(load_remembered_lease(path, 0));
    }
    forget_lease(path);
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK_FALSE(load_remembered_lease(path, 0));
}

TEST_CASE("The agent's configuration: every key checked, each refusal names it", "[dhcp][client]") {
    auto config = agent_config_from_json(nlohmann::json::parse(
        R"({"hostname": "h1", "dhcp_interfaces": ["eth0", "if1"], "resolv_conf": "/etc/resolv.conf"})"));
    CHECK(config.hostname == "h1");
    CHECK(config.dhcp_interfaces == std::vector<std::string>{"eth0", "if1"});
    CHECK(config.resolv_conf == "/etc/resolv.conf");
    CHECK(config.first_retransmit == 4s);

    auto refusal = [](const char* text) {
        try {
            agent_config_from_json(nlohmann::json::parse(text));
        } catch (const std::invalid_argument& error) {
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    CHECK(refusal(R"([])") == "the configuration is not a JSON object");
    CHECK(refusal(R"({"dhcp_interfaces": []})") == "`hostname` is missing");
    CHECK(refusal(R"({"hostname": "h1", "dhcp_interfaces": [""]})").find("`dhcp_interfaces`") == 0);
    CHECK(refusal(R"({"hostname": "h1", "dhcp_interfaces": [], "first_retransmit_ms": 0})").find(
              "`first_retransmit_ms`") == 0);
}

TEST_CASE("emu-host dhcp prints the lease one fact to a line", "[dhcp][client]") {
    DhcpLease lease;
    lease.address = ip("10.0.1.100");
    lease.prefix_length = 24;
    lease.server = kServer;
    lease.routers = {ip("10.0.1.1")};
    lease.lease_seconds = 600;
    lease.renew_seconds = 300;
    lease.rebind_seconds = 525;
    CHECK(lease_text("eth0", lease) ==
          "interface  eth0\naddress    10.0.1.100/24\nserver     10.0.1.2\nrouters    10.0.1.1\n"
          "dns        -\ndomain     -\nlease      600 s (renew after 300 s, rebind after 525 s)\n");
}
