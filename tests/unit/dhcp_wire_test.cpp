// The DHCP codec against messages from real peers (udhcpc, dhclient, dnsmasq; captured by
// tests/data/frames/capture-dhcp): each parses to what the peer sent, writes back to the
// same bytes, and every truncation is refused; then what the peers did not send: relay
// agent information, overloaded fields, long options, hostile lengths; and how the trace
// shows each message.
#include <catch2/catch.hpp>

#include <algorithm>

#include "emud/trace/dhcp_decoder.hpp"
#include "emud/trace/flow_tracker.hpp"
#include "lib/wire/dhcp.hpp"
#include "lib/wire/frame.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::wire;
using emu::test::golden_frame;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

// A golden frame's UDP payload: the DHCP message as the peer sent it.
std::vector<std::uint8_t> golden_payload(const std::string& name) { return emu::test::golden_udp_payload(name); }

DhcpMessage golden_message(const std::string& name) {
    auto payload = golden_payload(name);
    auto message = parse_dhcp(payload);
    if (!message) FAIL(name << ": " << message.error().to_string());
    return *message;
}

std::vector<std::uint8_t> written(const DhcpMessage& message, std::size_t maximum_size = 0) {
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_dhcp(out, message, maximum_size);
    return bytes;
}

// Where the end option of a message's options field is: its bytes up to there are its meaning,
// after it only padding.
std::size_t meaningful_size(const std::vector<std::uint8_t>& payload) {
    std::size_t at = 240;
    while (at < payload.size() && payload[at] != dhcp_option::kEnd) at += payload[at] == 0 ? 1 : 2 + payload[at + 1];
    return at + 1;
}

const std::vector<std::string> kGoldens = {
    "dhcp_udhcpc_discover",   "dhcp_udhcpc_request",          "dhcp_dnsmasq_offer",
    "dhcp_dnsmasq_ack",       "dhcp_dhclient_discover",       "dhcp_dhclient_request",
    "dhcp_dhclient_release",  "dhcp_dhclient_reboot_request", "dhcp_dnsmasq_nak",
};

}  // namespace

TEST_CASE("udhcpc's DISCOVER and REQUEST and dnsmasq's OFFER and ACK read as the peers sent them",
          "[wire][golden][dhcp]") {
    auto discover = golden_message("dhcp_udhcpc_discover");
    CHECK(discover.op == DhcpMessage::kBootRequest);
    CHECK(discover.message_type() == DhcpMessageType::discover);
    CHECK(discover.client_mac() == *MacAddress::parse("02:00:00:00:00:02"));
    CHECK_FALSE(discover.broadcast());  // udhcpc asks for no broadcast: a server must still reach it
    CHECK(discover.client_address == Ipv4Address{});
    CHECK(discover.u16(dhcp_option::kMaximumMessageSize) == 576);
    CHECK(discover.text(dhcp_option::kHostName) == "emu-client");
    CHECK(discover.text(dhcp_option::kVendorClass) == "udhcp 1.35.0");
    REQUIRE(discover.find(dhcp_option::kClientIdentifier));
    CHECK(discover.find(dhcp_option::kClientIdentifier)->data ==
          std::vector<std::uint8_t>{1, 2, 0, 0, 0, 0, 2});  // type 1 (Ethernet), then the MAC
    CHECK(discover.find(dhcp_option::kParameterRequestList)->data ==
          std::vector<std::uint8_t>{1, 3, 6, 12, 15, 28, 42});

    auto offer = golden_message("dhcp_dnsmasq_offer");
    CHECK(offer.op == DhcpMessage::kBootReply);
    CHECK(offer.message_type() == DhcpMessageType::offer);
    CHECK(offer.xid == discover.xid);
    CHECK(offer.your_address == ip("10.0.9.146"));
    CHECK(offer.address(dhcp_option::kServerIdentifier) == ip("10.0.9.1"));
    CHECK(offer.u32(dhcp_option::kLeaseTime) == 600u);
    CHECK(offer.u32(dhcp_option::kRenewalTime) == 300u);  // T1: half the lease (RFC 2131 §4.4.5)
    CHECK(offer.u32(dhcp_option::kRebindingTime) == 525u);  // T2: seven eighths
    CHECK(offer.address(dhcp_option::kSubnetMask) == ip("255.255.255.0"));
    CHECK(offer.addresses(dhcp_option::kRouter) == std::vector{ip("10.0.9.1")});
    CHECK(offer.addresses(dhcp_option::kDomainNameServer) == std::vector{ip("10.0.9.1")});
    CHECK(offer.text(dhcp_option::kDomainName) == "lab.example");

    auto request = golden_message("dhcp_udhcpc_request");
    CHECK(request.message_type() == DhcpMessageType::request);
    CHECK(request.xid == offer.xid);
    CHECK(request.address(dhcp_option::kRequestedAddress) == ip("10.0.9.146"));
    CHECK(request.address(dhcp_option::kServerIdentifier) == ip("10.0.9.1"));  // SELECTING

    auto ack = golden_message("dhcp_dnsmasq_ack");
    CHECK(ack.message_type() == DhcpMessageType::ack);
    CHECK(ack.your_address == ip("10.0.9.146"));
    CHECK(ack.text(dhcp_option::kHostName) == "emu-client");  // dnsmasq echoes the name it was given
}

TEST_CASE("dhclient's REQUEST, RELEASE and INIT-REBOOT, and dnsmasq's NAK read as sent", "[wire][golden][dhcp]") {
    auto discover = golden_message("dhcp_dhclient_discover");
    CHECK(discover.find(dhcp_option::kClientIdentifier) == nullptr);  // dhclient identifies by chaddr
    CHECK(discover.text(dhcp_option::kHostName) == "emu-dhclient");

    auto release = golden_message("dhcp_dhclient_release");
    CHECK(release.message_type() == DhcpMessageType::release);
    CHECK(release.client_address == ip("10.0.9.146"));  // RFC 2131 §4.4.6: from the address it gives back
    CHECK(release.address(dhcp_option::kServerIdentifier) == ip("10.0.9.1"));

    // INIT-REBOOT (RFC 2131 §4.3.2): a requested address, no server identifier, ciaddr zero.
    auto reboot = golden_message("dhcp_dhclient_reboot_request");
    CHECK(reboot.message_type() == DhcpMessageType::request);
    CHECK(reboot.address(dhcp_option::kRequestedAddress) == ip("10.0.5.5"));
    CHECK(reboot.find(dhcp_option::kServerIdentifier) == nullptr);
    CHECK(reboot.client_address == Ipv4Address{});

    auto nak = golden_message("dhcp_dnsmasq_nak");
    CHECK(nak.message_type() == DhcpMessageType::nak);
    CHECK(nak.xid == reboot.xid);
    CHECK(nak.broadcast());  // RFC 2131 §4.3.2: a NAK to a client without an address is broadcast
    CHECK(nak.your_address == Ipv4Address{});
    CHECK(nak.text(dhcp_option::kMessage) == "wrong network");
}

TEST_CASE("every golden DHCP message writes back byte for byte and no truncation of it parses",
          "[wire][golden][dhcp]") {
    for (const auto& name : kGoldens) {
        INFO(name);
        auto payload = golden_payload(name);
        auto message = parse_dhcp(payload);
        REQUIRE(message);
        auto again = written(*message);
        auto meaning = meaningful_size(payload);
        REQUIRE(again.size() >= meaning);
        CHECK(std::equal(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(meaning), again.begin()));
        // What follows the end option is zeros, in theirs and in ours (to 300 bytes at least).
        CHECK(std::all_of(payload.begin() + static_cast<std::ptrdiff_t>(meaning), payload.end(), [](auto b) { return b == 0; }));
        CHECK(again.size() == std::max<std::size_t>(meaning, DhcpMessage::kMinimumSize));
        auto reparsed = parse_dhcp(again);
        REQUIRE(reparsed);
        CHECK(*reparsed == *message);

        for (std::size_t size = 0; size < meaning; ++size) {
            INFO("cut to " << size << " bytes");
            CHECK_FALSE(parse_dhcp(Bytes(payload).first(size)));
        }
    }
}

TEST_CASE("options a relay agent adds are sub-options in option 82, and survive a round trip", "[wire][dhcp]") {
    auto message = golden_message("dhcp_udhcpc_discover");
    message.relay_address = ip("10.0.1.1");
    message.hops = 1;
    std::vector<DhcpOption> suboptions = {{relay_agent_suboption::kCircuitId, {'e', 't', 'h', '1'}},
                                          {relay_agent_suboption::kRemoteId, {0x02, 0, 0, 0, 0, 0x01}}};
    message.set(dhcp_option::kRelayAgentInformation, make_relay_agent_information(suboptions));
    auto bytes = written(message);
    auto parsed = parse_dhcp(bytes);
    REQUIRE(parsed);
    CHECK(parsed->relay_address == ip("10.0.1.1"));
    CHECK(parsed->hops == 1);
    auto information = parse_relay_agent_information(parsed->find(dhcp_option::kRelayAgentInformation)->data);
    REQUIRE(information);
    CHECK(*information == suboptions);

    auto data = make_relay_agent_information(suboptions);
    for (std::size_t size = 1; size < data.size(); ++size) {
        if (size == 6) continue;  // a whole first sub-option is a valid option on its own
        INFO("cut to " << size);
        CHECK_FALSE(parse_relay_agent_information(Bytes(data).first(size)));
    }
}

TEST_CASE("options that do not fit the client's maximum size spill into file and sname", "[wire][dhcp]") {
    DhcpMessage message;
    message.op = DhcpMessage::kBootReply;
    message.xid = 0x01020304;
    message.set_client_mac(*MacAddress::parse("02:00:00:00:00:09"));
    message.your_address = ip("10.0.9.100");
    message.set(dhcp_option::kMessageType, {static_cast<std::uint8_t>(DhcpMessageType::ack)});
    message.set_address(dhcp_option::kServerIdentifier, ip("10.0.9.1"));
    // Eleven options of 40 bytes: 462 bytes of options, with 576 allowing 336 in the options field.
    for (std::uint8_t code = 224; code < 235; ++code) message.set(code, std::vector<std::uint8_t>(38, code));

    auto bytes = written(message, DhcpMessage::kDefaultMaximumSize);
    CHECK(bytes.size() <= DhcpMessage::kDefaultMaximumSize);
    auto parsed = parse_dhcp(bytes);
    REQUIRE(parsed);
    CHECK(parsed->options == message.options);  // all of them, in order
    CHECK(bytes[240] == dhcp_option::kOverload);
    CHECK(std::any_of(bytes.begin() + 108, bytes.begin() + 236, [](auto b) { return b != 0; }));  // file holds options

    // Twice as many cannot fit even so: the writer says so and writes it whole.
    for (std::uint8_t code = 235; code < 246; ++code) message.set(code, std::vector<std::uint8_t>(38, code));
    std::vector<std::uint8_t> whole;
    Writer out(whole);
    CHECK_FALSE(write_dhcp(out, message, DhcpMessage::kDefaultMaximumSize));
    REQUIRE(parse_dhcp(whole));
    CHECK(parse_dhcp(whole)->options == message.options);
}

TEST_CASE("an option longer than 255 bytes is split into instances and joined again (RFC 3396)", "[wire][dhcp]") {
    DhcpMessage message;
    message.set(dhcp_option::kMessageType, {1});
    std::vector<std::uint8_t> long_value(600);
    for (std::size_t i = 0; i < long_value.size(); ++i) long_value[i] = static_cast<std::uint8_t>(i);
    message.set(77, long_value);  // user class: any bytes
    auto bytes = written(message);
    CHECK(bytes[243] == 77);
    CHECK(bytes[244] == 255);  // the first instance is full
    auto parsed = parse_dhcp(bytes);
    REQUIRE(parsed);
    CHECK(parsed->find(77)->data == long_value);
}

TEST_CASE("hostile DHCP messages are refused with what and where", "[wire][dhcp]") {
    auto payload = golden_payload("dhcp_udhcpc_discover");
    auto refused = [](std::vector<std::uint8_t> bytes) {
        auto parsed = parse_dhcp(bytes);
        REQUIRE_FALSE(parsed);
        return parsed.error().to_string();
    };
    {
        auto bad = payload;
        bad[236] = 0;  // no cookie: BOOTP, not DHCP
        CHECK(refused(bad).find("magic cookie") != std::string::npos);
    }
    {
        auto bad = payload;
        bad[2] = 17;
        CHECK(refused(bad).find("hlen 17") != std::string::npos);
    }
    {
        auto bad = payload;
        bad[0] = 3;
        CHECK(refused(bad).find("op 3") != std::string::npos);
    }
    {
        DhcpMessage message;
        message.set(dhcp_option::kMessageType, {1, 3});
        CHECK(refused(written(message)).find("option 53 (message type) has length 2, expected 1") !=
              std::string::npos);
    }
    {
        auto bad = payload;
        bad[241] = 250;  // runs past the end
        CHECK(refused(bad).find("option 53 runs past") != std::string::npos);
    }
    {
        auto bad = payload;
        bad.resize(meaningful_size(bad) - 1);  // without the end option
        CHECK(refused(bad).find("end option") != std::string::npos);
    }
    {
        DhcpMessage message;
        message.set(dhcp_option::kMessageType, {1});
        message.set(dhcp_option::kRouter, {10, 0, 0, 1, 10, 0});  // six bytes: not a list of addresses
        CHECK(refused(written(message)).find("option 3 (router) has length 6, expected a multiple of 4") !=
              std::string::npos);
    }
    {
        auto bad = written(golden_message("dhcp_udhcpc_discover"));
        bad.insert(bad.begin() + 240, {dhcp_option::kOverload, 1, 4});  // 4 is no overload value
        CHECK(refused(bad).find("option 52") != std::string::npos);
    }
}

TEST_CASE("the trace names each DHCP message and what it carries", "[trace][dhcp]") {
    emu::trace::FlowTracker flows(emu::trace::make_application_decoders());
    auto layer_of = [&](const std::string& name) {
        auto frame = golden_frame(name);
        auto decoded = decode_frame(frame);
        REQUIRE(decoded);
        auto layers = flows.on_frame(*decoded);
        REQUIRE(layers.size() == 1);
        return layers.front();
    };
    auto discover = layer_of("dhcp_udhcpc_discover");
    CHECK(discover.protocol == "DHCP");
    CHECK(discover.summary == "DHCP DISCOVER xid=0xa97b2555 chaddr=02:00:00:00:00:02");
    CHECK(discover.fields["type"] == "DISCOVER");
    CHECK(discover.fields["broadcast"] == false);
    CHECK(discover.fields["client_id"] == "01020000000002");
    CHECK(discover.fields["parameter_requests"] == nlohmann::json{1, 3, 6, 12, 15, 28, 42});

    auto offer = layer_of("dhcp_dnsmasq_offer");
    CHECK(offer.summary == "DHCP OFFER xid=0xa97b2555 yiaddr=10.0.9.146 server=10.0.9.1 lease=600s "
                           "mask=255.255.255.0 router=10.0.9.1 dns=10.0.9.1");
    CHECK(offer.fields["yiaddr"] == "10.0.9.146");
    CHECK(offer.fields["routers"] == nlohmann::json{"10.0.9.1"});

    CHECK(layer_of("dhcp_udhcpc_request").summary ==
          "DHCP REQUEST xid=0xa97b2555 chaddr=02:00:00:00:00:02 requested=10.0.9.146 server=10.0.9.1");
    CHECK(layer_of("dhcp_dhclient_release").summary ==
          "DHCP RELEASE xid=0x44de3c74 chaddr=02:00:00:00:00:02 ciaddr=10.0.9.146 server=10.0.9.1");
    CHECK(layer_of("dhcp_dnsmasq_nak").summary ==
          "DHCP NAK xid=0x44dbd16c server=10.0.9.1 \"wrong network\" broadcast");

    // A relayed message names its relay and circuit.
    auto relayed = golden_message("dhcp_udhcpc_discover");
    relayed.relay_address = ip("10.0.1.1");
    relayed.hops = 1;
    relayed.set(dhcp_option::kRelayAgentInformation,
                make_relay_agent_information({{relay_agent_suboption::kCircuitId, {'e', 't', 'h', '1'}}}));
    auto layer = emu::trace::dhcp_layer(relayed);
    CHECK(layer.summary == "DHCP DISCOVER xid=0xa97b2555 chaddr=02:00:00:00:00:02 giaddr=10.0.1.1 hops=1 circuit-id=eth1");
    CHECK(layer.fields["circuit_id"] == "eth1");

    // And a message that does not parse is said to be malformed, not dropped.
    emu::trace::DhcpDecoder decoder;
    auto payload = golden_payload("dhcp_udhcpc_discover");
    payload.resize(250);
    auto malformed = decoder.datagram(payload, emu::trace::FlowDirection::to_server);
    REQUIRE(malformed.size() == 1);
    CHECK(malformed.front().protocol == "malformed");
    CHECK(malformed.front().summary.rfind("DHCP malformed: ", 0) == 0);
}
