// The trace's pure parts: frames described layer by layer, the timeline line, filters,
// the bounded event ring, where a lab is captured, and the pcapng blocks.
#include <catch2/catch.hpp>

#include <cstring>

#include "cli/ladder_svg.hpp"
#include "cli/timeline.hpp"
#include "emud/build/plan.hpp"
#include "emud/topology/loader.hpp"
#include "emud/trace/address_book.hpp"
#include "emud/trace/capture_plan.hpp"
#include "emud/trace/describe.hpp"
#include "emud/trace/trace_filter.hpp"
#include "emud/trace/pcapng.hpp"
#include "emud/trace/trace_store.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu;
using emu::test::golden_frame;

namespace {

std::vector<trace::Layer> describe(const std::string& golden, trace::CaptureFacts facts = {}) {
    auto bytes = golden_frame(golden);
    return trace::describe_frame(bytes, facts);
}

const trace::Layer& top(const std::vector<trace::Layer>& layers) {
    REQUIRE_FALSE(layers.empty());
    return layers.back();
}

}  // namespace

TEST_CASE("ARP and ICMP frames read as the textbook says them", "[trace][describe]") {
    auto request = describe("arp_request");
    REQUIRE(request.size() == 2);
    CHECK(request[0].protocol == "Ethernet");
    CHECK(request[0].fields["dst"] == "ff:ff:ff:ff:ff:ff");
    CHECK(request[1].summary == "ARP who-has 10.0.1.1 tell 10.0.1.10");
    CHECK(request[1].fields["op"] == "request");
    CHECK(top(describe("arp_reply")).summary.rfind("ARP 10.0.1.1 is-at ", 0) == 0);

    auto echo = describe("icmp_echo_request");
    REQUIRE(echo.size() == 3);
    CHECK(echo[1].summary == "IPv4 10.0.1.10 → 10.0.3.10 ttl 64");
    CHECK(echo[1].fields["ttl"] == 64);
    CHECK(echo[2].summary.rfind("ICMP echo request id ", 0) == 0);
    CHECK(echo[2].summary.find(" seq 1") != std::string::npos);
    CHECK(echo[2].fields["type"] == "echo-request");

    CHECK(top(describe("icmp_time_exceeded")).summary ==
          "ICMP time exceeded (TTL in transit) for 10.0.1.10 → 10.0.3.10 ICMP");
    auto unreachable = top(describe("icmp_port_unreachable"));
    CHECK(unreachable.summary.rfind("ICMP destination unreachable (port) for 10.0.1.10:", 0) == 0);
    CHECK(unreachable.summary.find(" → 10.0.3.10:9999 UDP") != std::string::npos);
    CHECK(unreachable.fields["about"]["dst_port"] == 9999);
}

TEST_CASE("TCP and UDP frames show ports, flags, options and checksum state", "[trace][describe]") {
    auto syn = top(describe("tcp_syn"));
    CHECK(syn.protocol == "TCP");
    CHECK(syn.summary.find("→ 8080 [SYN] seq ") != std::string::npos);
    CHECK(syn.summary.find(" mss 1460") != std::string::npos);
    CHECK(syn.summary.find(" sackOK") != std::string::npos);
    CHECK(syn.fields["flags"] == nlohmann::json::array({"SYN"}));
    CHECK(syn.fields["checksum"] == "valid");
    CHECK(top(describe("tcp_syn_ack")).fields["flags"] == nlohmann::json::array({"SYN", "ACK"}));
    auto data = top(describe("tcp_data"));
    CHECK(data.fields["length"] == 6);
    CHECK(data.summary.find("[PSH,ACK]") != std::string::npos);

    // A checksum the kernel left for offload is not called wrong; a wrong one is.
    CHECK(top(describe("tcp_syn", {true})).fields["checksum"] == "offloaded");
    auto bytes = golden_frame("udp_datagram");
    bytes.back() ^= 0xff;
    auto damaged = trace::describe_frame(bytes);
    CHECK(damaged.back().fields["checksum"] == "bad");
    CHECK(damaged.back().summary.find("BAD checksum") != std::string::npos);
    CHECK(top(describe("udp_datagram")).summary.find("→ 9999 len 6") != std::string::npos);
}

TEST_CASE("fragments and malformed frames say what they are", "[trace][describe]") {
    CHECK(describe("ipv4_last_fragment")[1].summary.find("fragment id ") != std::string::npos);
    CHECK(describe("ipv4_last_fragment")[1].fields["fragment_offset"] == 1480);
    CHECK(describe("ipv4_last_fragment").size() == 2);  // no ICMP in a later fragment

    auto bytes = golden_frame("icmp_echo_request");
    bytes.resize(30);
    auto cut = trace::describe_frame(bytes);
    REQUIRE(cut.size() == 2);
    CHECK(cut[1].protocol == "malformed");
    CHECK(cut[1].fields["layer"] == "IPv4");
    // 16 of the header's 20 bytes are there; the offset counts from the start of the frame.
    CHECK(cut[1].summary == "IPv4 malformed: truncated: destination address needs 4 bytes, 0 left (at byte 30)");
    auto tiny = trace::describe_frame(std::vector<std::uint8_t>(5, 0));
    REQUIRE(tiny.size() == 1);
    CHECK(tiny[0].fields["layer"] == "Ethernet");
}

TEST_CASE("a timeline line has the time, the segment, who to whom and the upper layers", "[trace][timeline]") {
    trace::TraceEvent event;
    event.timestamp_ns = 5'000'041'000;
    event.segment = "lan1";
    event.from = "r1";
    event.to = "h1";
    event.layers = {{"Ethernet", "Ethernet …", {}}, {"IPv4", "IPv4 10.0.3.11 → 10.0.1.10 ttl 63", {}},
                    {"ICMP", "ICMP echo reply id 7 seq 1", {}}};
    CHECK(cli::timeline_line(event, 4'000'000'000) ==
          "  +1.000041  lan1    r1 → h1                   IPv4 10.0.3.11 → 10.0.1.10 ttl 63  ICMP echo reply id 7 seq 1");
    event.layers.resize(1);
    CHECK(cli::timeline_line(event, 5'000'041'000).find("+0.000000") != std::string::npos);
    CHECK(cli::timeline_line(event, 5'000'041'000).find("Ethernet …") != std::string::npos);
}

TEST_CASE("trace filters match node, link or segment, and protocol in any case", "[trace][timeline]") {
    trace::TraceEvent event;
    event.link = "h1:eth0--lan1:p2";
    event.segment = "lan1";
    event.from = "h1";
    event.to = "ff:ff:ff:ff:ff:ff";
    event.layers = {{"Ethernet", "", {}}, {"ARP", "", {}}};
    CHECK(trace::TraceFilter{}.matches(event));
    CHECK(trace::TraceFilter{{"h1"}, {}, {}}.matches(event));
    CHECK_FALSE(trace::TraceFilter{{"h2"}, {}, {}}.matches(event));
    CHECK(trace::TraceFilter{{"h2", "h1"}, {"lan1"}, {"arp"}}.matches(event));
    CHECK(trace::TraceFilter{{}, {"h1:eth0--lan1:p2"}, {}}.matches(event));
    CHECK_FALSE(trace::TraceFilter{{}, {"lan2"}, {}}.matches(event));
    CHECK_FALSE(trace::TraceFilter{{"h1"}, {}, {"tcp"}}.matches(event));
}

TEST_CASE("a node filter also matches the IPv4 path's ends, and a filter from JSON takes only lists of strings",
          "[trace][timeline]") {
    trace::TraceEvent event;
    event.segment = "lan3";
    event.from = "r1";
    event.to = "h6";
    event.layers = {{"Ethernet", "", {}}, {"IPv4", "", {{"src", "10.0.1.10"}, {"src_node", "h1"}}}};
    CHECK(trace::TraceFilter{{"h1"}, {}, {}}.matches(event));
    CHECK(trace::TraceFilter{{"r1"}, {}, {}}.matches(event));
    CHECK_FALSE(trace::TraceFilter{{"h2"}, {}, {}}.matches(event));

    auto filter = trace::filter_from_json({{"nodes", {"h1"}}, {"protocols", {"icmp", "arp"}}});
    CHECK(filter.nodes == std::vector<std::string>{"h1"});
    CHECK(filter.links.empty());
    CHECK(filter.protocols == std::vector<std::string>{"icmp", "arp"});
    CHECK(trace::filter_from_json(trace::to_json(filter)).protocols == filter.protocols);
    CHECK(trace::filter_from_json(nlohmann::json::object()).empty());
    CHECK_THROWS_AS(trace::filter_from_json({{"nodes", "h1"}}), std::invalid_argument);
    CHECK_THROWS_AS(trace::filter_from_json({{"links", {1, 2}}}), std::invalid_argument);
    CHECK_THROWS_AS(trace::filter_from_json(nlohmann::json::array()), std::invalid_argument);
}

TEST_CASE("the address book knows the topology's addresses and learns the ones nodes claim in ARP",
          "[trace][names]") {
    auto campus = topology::load_topology_file(EMU_SOURCE_DIR "/topologies/campus.yaml");
    REQUIRE(campus);
    trace::AddressBook book(*campus);
    CHECK(book.owner_of("10.0.1.10") == "h1");
    CHECK(book.owner_of("10.0.3.1") == "r1");
    CHECK_FALSE(book.owner_of("10.0.9.9"));

    auto claim = [](const char* address) {
        wire::ArpPacket arp;
        arp.sender_ip = *wire::Ipv4Address::parse(address);
        arp.target_ip = *wire::Ipv4Address::parse("10.0.1.1");
        return arp;
    };
    book.learn(claim("10.0.1.77"), "h2");  // e.g. an address h2 got by DHCP
    CHECK(book.owner_of("10.0.1.77") == "h2");
    book.learn(claim("10.0.1.77"), "h3");  // the address moved: the newest claim wins
    CHECK(book.owner_of("10.0.1.77") == "h3");
    book.learn(claim("0.0.0.0"), "h4");  // an RFC 5227 probe claims nothing
    CHECK_FALSE(book.owner_of("0.0.0.0"));
    book.learn(claim("10.0.1.78"), "");  // a MAC no node owns
    CHECK_FALSE(book.owner_of("10.0.1.78"));
}

TEST_CASE("application layers are kept packed, and come back as they were", "[trace][store]") {
    std::vector<trace::Layer> layers{
        {"HTTP", "HTTP GET / Host: www.example.com", {{"method", "GET"}, {"headers", {{"Host", "www.example.com"}}}}},
        {"DNS", "DNS query A www", {{"id", 7}, {"answers", nlohmann::json::array()}}}};
    auto packed = trace::pack_layers(layers);
    // MessagePack and 5 bytes of framing each; a JSON tree of the same takes many allocations
    // of 48 bytes or more.
    CHECK(packed.size() < 130);
    auto back = trace::unpack_layers(packed);
    REQUIRE(back.size() == 2);
    CHECK(back[0].protocol == "HTTP");
    CHECK(back[0].summary == layers[0].summary);
    CHECK(back[0].fields == layers[0].fields);
    CHECK(back[1].fields == layers[1].fields);
    CHECK(trace::pack_layers({}).empty());
    CHECK(trace::unpack_layers({}).empty());
    CHECK(trace::unpack_layers({0xc1, 0xff, 0x00}).empty());  // not packed layers: nothing, no throw
    CHECK(trace::unpack_layers(nlohmann::json::to_msgpack(nlohmann::json{{"a", 1}})).empty());
    // Cut anywhere, the layers wholly before the cut come back, and nothing else.
    for (std::size_t cut = 0; cut < packed.size(); ++cut) {
        auto part = trace::unpack_layers(std::vector<std::uint8_t>(packed.begin(), packed.begin() + cut));
        CHECK(part.size() <= 1);
        if (!part.empty()) CHECK(part[0].summary == layers[0].summary);
    }
}

namespace {

// A record's layer: its summary is the record's bytes.
trace::Layer layer_of_test_record(const std::vector<std::uint8_t>& record) {
    return {"TEST", std::string(record.begin(), record.end()), {{"size", record.size()}}};
}

}  // namespace

TEST_CASE("a deferred layer is kept as its record and made when it is read", "[trace][store]") {
    std::vector<trace::Layer> layers;
    layers.push_back(trace::Layer::deferred(layer_of_test_record, {'a', 'b', 'c'}));
    layers.push_back({"DNS", "DNS query A www", {{"id", 7}}});
    auto packed = trace::pack_layers(layers);
    CHECK(packed.size() < 3 + 8 + 5 + 40);  // the record, its maker, no fields
    auto back = trace::unpack_layers(packed);
    REQUIRE(back.size() == 2);
    CHECK(back[0].protocol == "TEST");
    CHECK(back[0].summary == "abc");
    CHECK(back[0].fields["size"] == 3);
    CHECK_FALSE(back[0].expand);
    CHECK(back[1].summary == "DNS query A www");
    // Made without the ring too: a layer that is not deferred stays as it is.
    auto made = trace::expanded(layers);
    CHECK(made[0].summary == "abc");
    CHECK(made[1].summary == "DNS query A www");
}

TEST_CASE("the frame ring keeps the newest frames within its bytes and counts the ones it dropped", "[trace][store]") {
    // Room for three frames of 100 bytes, each of which malloc gives 112 (8 bytes of header,
    // in steps of 16).
    trace::TraceStore store(3 * (sizeof(trace::StoredFrame) + 112));
    for (std::uint64_t number = 1; number <= 5; ++number) {
        trace::StoredFrame frame;
        frame.number = number;
        frame.bytes.assign(100, 0);
        store.push(frame);
    }
    CHECK(store.evicted() == 2);
    auto all = store.read_after(0, 100);
    REQUIRE(all.frames.size() == 3);
    CHECK(all.frames.front().number == 3);
    CHECK(all.missed == 2);
    CHECK(all.last == 5);
    auto newest = store.read_after(4, 100);
    REQUIRE(newest.frames.size() == 1);
    CHECK(newest.frames[0].number == 5);
    CHECK(newest.missed == 0);
    CHECK(store.read_after(5, 100).frames.empty());
    CHECK(store.read_after(2, 1).frames.size() == 1);

    // A frame larger than the whole ring is counted and not kept.
    trace::StoredFrame huge;
    huge.number = 6;
    huge.bytes.assign(1000, 0);
    store.push(huge);
    auto after = store.read_after(5, 100);
    CHECK(after.frames.empty());
    CHECK(after.missed == 1);
    CHECK(after.last == 6);
}

TEST_CASE("a LAN is captured where frames enter its switch, a point-to-point link on one end", "[trace][plan]") {
    auto campus = topology::load_topology_file(EMU_SOURCE_DIR "/topologies/campus.yaml");
    REQUIRE(campus);
    auto plan = trace::plan_capture(build::plan_lab(*campus), *campus);
    REQUIRE(plan.links.size() == 9);
    CHECK(plan.links[0].segment == "lan1");
    REQUIRE(plan.points.size() == 9);
    for (const auto& point : plan.points) {
        CHECK(point.namespace_index == 0);
        CHECK(point.ingress_only);
    }
    CHECK(plan.mac_owners.size() == 9);
    CHECK(plan.mac_owners.at(*wire::MacAddress::parse("02:00:00:00:00:01")) == "r1");

    auto pair = topology::load_topology("name: p\nnodes:\n  a: {}\n  b: {}\nlinks:\n  - endpoints: [a:eth0, b:eth0]\n", {});
    REQUIRE(pair);
    auto direct = trace::plan_capture(build::plan_lab(*pair), *pair);
    REQUIRE(direct.points.size() == 1);
    CHECK_FALSE(direct.points[0].ingress_only);
    CHECK(direct.links[0].segment == direct.links[0].name);
}

TEST_CASE("pcapng blocks are whole words and say their length at both ends", "[trace][pcapng]") {
    std::vector<std::uint8_t> out;
    trace::pcapng::section_header(out, "emu");
    trace::pcapng::interface_description(out, "campus/h1:eth0--lan1:p2", "segment lan1", 65535);
    auto frame = golden_frame("arp_request");
    trace::pcapng::enhanced_packet(out, 0, 1'700'000'000'123'456'789ull, frame, 60, trace::FrameDirection::inbound);
    trace::pcapng::interface_statistics(out, 0, 1'700'000'001'000'000'000ull, 10, 2);
    auto u32 = [&](std::size_t at) {
        std::uint32_t value;
        std::memcpy(&value, out.data() + at, 4);
        return value;
    };
    std::vector<std::uint32_t> types;
    std::size_t at = 0;
    while (at < out.size()) {
        auto length = u32(at + 4);
        REQUIRE(length % 4 == 0);
        REQUIRE(at + length <= out.size());
        CHECK(u32(at + length - 4) == length);
        types.push_back(u32(at));
        at += length;
    }
    CHECK(types == std::vector<std::uint32_t>{0x0A0D0D0A, 1, 6, 5});
    CHECK(u32(8) == 0x1A2B3C4D);
    // The packet block: interface 0, the timestamp in two halves, 42 bytes captured of 60.
    auto epb = u32(4) + u32(u32(4) + 4);  // after the section header and the interface block
    CHECK(u32(epb + 8) == 0);
    CHECK((std::uint64_t{u32(epb + 12)} << 32 | u32(epb + 16)) == 1'700'000'000'123'456'789ull);
    CHECK(u32(epb + 20) == frame.size());
    CHECK(u32(epb + 24) == 60);
    CHECK(std::memcmp(out.data() + epb + 28, frame.data(), frame.size()) == 0);
}

TEST_CASE("the ladder diagram has a lane per node and an arrow per frame, labelled like the timeline",
          "[trace][timeline]") {
    std::vector<trace::TraceEvent> events(2);
    events[0].number = 1;
    events[0].segment = "lan1";
    events[0].from = "h1";
    events[0].to = "ff:ff:ff:ff:ff:ff";
    events[0].layers = {{"ARP", "ARP who-has 10.0.1.1 tell 10.0.1.10", {}}};
    events[1].number = 2;
    events[1].segment = "lan1";
    events[1].from = "r1";
    events[1].to = "h1";
    events[1].layers = {{"ARP", "ARP 10.0.1.1 is-at 02:00:00:00:00:01 <&>", {}}};
    auto svg = cli::ladder_svg(events, "lab campus");
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(svg.find(">h1</text>") != std::string::npos);
    CHECK(svg.find(">broadcast</text>") != std::string::npos);
    CHECK(svg.find(">r1</text>") != std::string::npos);
    auto arrows = 0;
    for (auto at = svg.find("marker-end"); at != std::string::npos; at = svg.find("marker-end", at + 1)) ++arrows;
    CHECK(arrows == 2);
    CHECK(svg.find("#1 [lan1] ARP who-has 10.0.1.1 tell 10.0.1.10") != std::string::npos);
    CHECK(svg.find("is-at 02:00:00:00:00:01 &lt;&amp;&gt;") != std::string::npos);
    CHECK(svg.find("</svg>") != std::string::npos);
}
