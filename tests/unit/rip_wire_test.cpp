// The RIP codec against messages from a real peer, FRR's ripd (captured by
// tests/data/frames/capture-rip): each parses to what ripd sent, writes back to the same
// bytes, and a cut never yields half an entry; then what ripd did not send: hostile lengths,
// authentication out of place; and how the trace shows each message.
#include <catch2/catch.hpp>

#include "emud/trace/flow_tracker.hpp"
#include "emud/trace/rip_decoder.hpp"
#include "lib/wire/frame.hpp"
#include "lib/wire/rip.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::wire;
using emu::test::golden_frame;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

std::vector<std::uint8_t> golden_payload(const std::string& name) { return emu::test::golden_udp_payload(name); }

RipMessage golden_message(const std::string& name) {
    auto message = parse_rip(golden_payload(name));
    if (!message) FAIL(name << ": " << message.error().to_string());
    return *message;
}

RipRoute route_to(Ipv4Address address, Ipv4Address mask, std::uint32_t metric) {
    RipRoute route;
    route.address = address;
    route.mask = mask;
    route.metric = metric;
    return route;
}

std::vector<std::uint8_t> written(const RipMessage& message) {
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_rip(out, message);
    return bytes;
}

const std::vector<std::string> kGoldens = {
    "rip_frr_request",           "rip_frr_response_unicast",  "rip_frr_response",
    "rip_frr_response_poisoned", "rip_frr_response_password", "rip_frr_response_md5",
};

}  // namespace

TEST_CASE("ripd's whole-table request and its responses read as it sent them", "[wire][golden][rip]") {
    auto request = golden_message("rip_frr_request");
    CHECK(request.command == rip_command::kRequest);
    CHECK(request.version == 2);
    CHECK(request.asks_for_whole_table());  // RFC 2453 §3.9.1: family 0, metric 16
    CHECK(written(RipMessage::whole_table_request()) == golden_payload("rip_frr_request"));

    auto update = golden_message("rip_frr_response");
    CHECK(update.command == rip_command::kResponse);
    CHECK_FALSE(update.asks_for_whole_table());
    REQUIRE(update.routes.size() == 1);  // its stub network; the shared link is not advertised on itself
    CHECK(update.routes[0].family == RipRoute::kFamilyIpv4);
    CHECK(update.routes[0].address == ip("10.99.101.0"));
    CHECK(update.routes[0].mask == ip("255.255.255.0"));
    CHECK(update.routes[0].next_hop == Ipv4Address{});
    CHECK(update.routes[0].metric == 1u);
    CHECK_FALSE(update.authentication);

    auto poisoned = golden_message("rip_frr_response_poisoned");
    REQUIRE_FALSE(poisoned.routes.empty());
    CHECK(poisoned.routes[0].address == ip("10.99.102.0"));
    CHECK(poisoned.routes[0].metric == kRipInfinity);  // its stub network went down

    auto with_password = golden_message("rip_frr_response_password");
    REQUIRE(with_password.authentication);
    CHECK(with_password.authentication->type == RipAuthentication::kTypePassword);
    CHECK(std::string(with_password.authentication->data.begin(), with_password.authentication->data.begin() + 7) ==
          "emu-lab");
    CHECK(with_password.routes.size() == 1);

    // RFC 4822: keyed MD5 puts key id and sequence number in the first entry, the digest last.
    auto with_md5 = golden_message("rip_frr_response_md5");
    REQUIRE(with_md5.authentication);
    CHECK(with_md5.authentication->type == RipAuthentication::kTypeKeyedMd5);
    CHECK(with_md5.authentication->data[2] == 7);  // the key id
    REQUIRE(with_md5.digest);
    CHECK(with_md5.digest->type == RipAuthentication::kTypeDigestTrailer);
    CHECK(with_md5.routes.size() == 1);
}

TEST_CASE("every golden RIP message writes back byte for byte and a cut never yields half an entry",
          "[wire][golden][rip]") {
    for (const auto& name : kGoldens) {
        INFO(name);
        auto payload = golden_payload(name);
        auto message = parse_rip(payload);
        REQUIRE(message);
        CHECK(written(*message) == payload);
        // UDP says where a message ends, so a cut at an entry boundary is a shorter message; any
        // other cut, and any that keeps keyed-MD5 authentication but loses its digest, is refused.
        for (std::size_t size = 0; size < payload.size(); ++size) {
            INFO("cut to " << size << " bytes");
            auto cut = parse_rip(std::span(payload).first(size));
            const bool whole_entries = size >= RipMessage::kHeaderSize &&
                                       (size - RipMessage::kHeaderSize) % RipRoute::kSize == 0;
            const bool loses_digest = message->digest && size > RipMessage::kHeaderSize && size < payload.size();
            if (!whole_entries || loses_digest) {
                CHECK_FALSE(cut);
                continue;
            }
            REQUIRE(cut);
            CHECK(cut->routes.size() <= message->routes.size());
            CHECK(std::equal(cut->routes.begin(), cut->routes.end(), message->routes.begin()));
        }
    }
}

TEST_CASE("hostile RIP messages are refused with what and where", "[wire][rip]") {
    auto update = golden_payload("rip_frr_response");
    auto refused = [](std::vector<std::uint8_t> bytes) {
        auto parsed = parse_rip(bytes);
        REQUIRE_FALSE(parsed);
        return parsed.error();
    };

    auto bad_command = update;
    bad_command[0] = 5;  // obsolete: poll (RFC 1058)
    CHECK(refused(bad_command).what == "unknown command 5");
    auto version_zero = update;
    version_zero[1] = 0;
    CHECK(refused(version_zero).offset == 1);
    auto ragged = update;
    ragged.push_back(0);
    CHECK(refused(ragged).what == "21 bytes of entries, not whole 20-byte entries");

    // 26 entries: one too many (RFC 2453 §3.6).
    RipMessage crowded;
    crowded.routes.resize(RipMessage::kMaximumEntries + 1, route_to(ip("10.1.0.0"), ip("255.255.0.0"), 1));
    CHECK(refused(written(crowded)).what == "26 entries, more than 25");
    crowded.routes.pop_back();
    CHECK(parse_rip(written(crowded)));
    // A password takes one of the 25.
    crowded.authentication = RipAuthentication{};
    CHECK_FALSE(parse_rip(written(crowded)));

    // Authentication anywhere but first, or a digest without keyed MD5, is not a message.
    auto late_authentication = update;
    auto password = golden_payload("rip_frr_response_password");
    late_authentication.insert(late_authentication.end(), password.begin() + 4, password.begin() + 24);
    auto late = refused(late_authentication);
    CHECK(late.what == "authentication entry (type 2) as entry 2 of 2");
    CHECK(late.offset == 24);
    auto md5 = golden_payload("rip_frr_response_md5");
    auto digest_alone = update;
    digest_alone.insert(digest_alone.end(), md5.end() - 20, md5.end());
    CHECK(refused(digest_alone).what == "authentication entry (type 1) as entry 2 of 2");
    auto md5_without_digest = md5;
    md5_without_digest.resize(md5.size() - 20);
    CHECK(refused(md5_without_digest).what == "keyed-MD5 authentication without its digest entry");
}

TEST_CASE("a subnet mask is a prefix length only when its bits are contiguous", "[wire][rip]") {
    CHECK(ipv4_mask_length(ip("255.255.255.0")) == 24);
    CHECK(ipv4_mask_length(ip("255.255.255.255")) == 32);
    CHECK(ipv4_mask_length(ip("0.0.0.0")) == 0);
    CHECK(ipv4_mask_length(ip("255.255.128.0")) == 17);
    CHECK_FALSE(ipv4_mask_length(ip("255.0.255.0")));
    CHECK_FALSE(ipv4_mask_length(ip("0.0.0.255")));
    CHECK(ipv4_mask(20) == ip("255.255.240.0"));
    CHECK(ipv4_mask(0) == Ipv4Address{});
}

TEST_CASE("the trace names each RIP message and the routes it carries", "[trace][rip]") {
    emu::trace::FlowTracker flows(emu::trace::make_application_decoders());
    auto layer_of = [&](const std::string& name) {
        auto frame = golden_frame(name);
        auto decoded = decode_frame(frame);
        REQUIRE(decoded);
        auto layers = flows.on_frame(*decoded);
        REQUIRE(layers.size() == 1);
        return layers.front();
    };
    auto request = layer_of("rip_frr_request");
    CHECK(request.protocol == "RIP");
    CHECK(request.summary == "RIP request whole table");
    CHECK(request.fields["whole_table"] == true);

    CHECK(layer_of("rip_frr_response").summary == "RIP response 1 route: 10.99.101.0/24 metric 1");
    CHECK(layer_of("rip_frr_response_poisoned").summary.rfind("RIP response ", 0) == 0);
    CHECK(layer_of("rip_frr_response_poisoned").summary.find("10.99.102.0/24 unreachable") != std::string::npos);
    auto with_md5 = layer_of("rip_frr_response_md5");
    CHECK(with_md5.summary == "RIP response 1 route: 10.99.101.0/24 metric 1 auth=keyed-md5");
    CHECK(with_md5.fields["authentication"] == "keyed-md5");
    CHECK(with_md5.fields["routes"][0]["prefix_length"] == 24);
    CHECK(with_md5.fields["routes"][0]["next_hop"] == "0.0.0.0");

    // A full update: four routes named, then how many more; a next hop and a ragged mask shown.
    RipMessage full;
    for (int index = 0; index < 6; ++index) {
        full.routes.push_back(route_to(Ipv4Address{0x0a000000u + (static_cast<std::uint32_t>(index) << 8)},
                                       ip("255.255.255.0"), static_cast<std::uint32_t>(index + 1)));
    }
    full.routes[1].next_hop = ip("10.9.9.9");
    full.routes[2].mask = ip("255.0.255.0");
    CHECK(emu::trace::rip_layer(full).summary ==
          "RIP response 6 routes: 10.0.0.0/24 metric 1, 10.0.1.0/24 metric 2 via 10.9.9.9, "
          "10.0.2.0 mask 255.0.255.0 metric 3, 10.0.3.0/24 metric 4 and 2 more");

    emu::trace::RipDecoder decoder;
    auto payload = golden_payload("rip_frr_response");
    payload.pop_back();
    auto malformed = decoder.datagram(payload, emu::trace::FlowDirection::to_server);
    REQUIRE(malformed.size() == 1);
    CHECK(malformed.front().protocol == "malformed");
    CHECK(malformed.front().summary.rfind("RIP malformed: ", 0) == 0);
}
