// TCP reassembly and the application decoder interface, with a decoder made for the test:
// every line of text on port 7777 is one message.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "emud/trace/flow_tracker.hpp"
#include "emud/trace/tcp_reassembly.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu;
using namespace emu::trace;

namespace {

wire::Bytes text(const std::string& value) {
    return {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()};
}

std::string as_string(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

class LineDecoder : public ApplicationDecoder {
public:
    bool serves(std::uint8_t, std::uint16_t port) const override { return port == 7777; }
    std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) override {
        return {{"LINE", std::string(direction == FlowDirection::to_server ? "> " : "< ") +
                             std::string(payload.begin(), payload.end()), {}}};
    }
    std::vector<Layer> stream(std::vector<std::uint8_t>& buffer, FlowDirection direction) override {
        std::vector<Layer> layers;
        for (auto end = std::find(buffer.begin(), buffer.end(), '\n'); end != buffer.end();
             end = std::find(buffer.begin(), buffer.end(), '\n')) {
            layers.push_back({"LINE", std::string(direction == FlowDirection::to_server ? "> " : "< ") +
                                          std::string(buffer.begin(), end), {}});
            buffer.erase(buffer.begin(), end + 1);
        }
        return layers;
    }
};

// A TCP/IPv4 frame from h1 (10.0.1.10:40000) to h5 (10.0.3.10:7777) or back, made with the codecs.
std::vector<std::uint8_t> segment(bool from_client, std::uint32_t sequence, std::uint8_t flags,
                                  const std::string& payload) {
    wire::Ipv4Address client = *wire::Ipv4Address::parse("10.0.1.10");
    wire::Ipv4Address server = *wire::Ipv4Address::parse("10.0.3.10");
    wire::EthernetHeader ethernet;
    ethernet.ether_type = wire::ether_type::kIpv4;
    wire::Ipv4Header ip;
    ip.protocol = wire::ip_protocol::kTcp;
    ip.source = from_client ? client : server;
    ip.destination = from_client ? server : client;
    wire::TcpHeader tcp;
    tcp.source_port = from_client ? 40000 : 7777;
    tcp.destination_port = from_client ? 7777 : 40000;
    tcp.sequence = sequence;
    tcp.flags = flags;
    tcp.finish(ip.source, ip.destination, text(payload));
    ip.finish(wire::TcpHeader::kMinimumSize + payload.size());
    std::vector<std::uint8_t> bytes;
    wire::Writer out(bytes);
    wire::write_ethernet(out, ethernet);
    wire::write_ipv4(out, ip);
    wire::write_tcp(out, tcp);
    out.bytes(text(payload));
    return bytes;
}

std::vector<Layer> feed(FlowTracker& tracker, const std::vector<std::uint8_t>& frame) {
    auto decoded = wire::decode_frame(frame);
    REQUIRE(decoded);
    REQUIRE(decoded->tcp);
    return tracker.on_frame(*decoded);
}

}  // namespace

TEST_CASE("a stream comes back in order: retransmissions once, early segments after the gap", "[trace][tcp]") {
    TcpStreamReassembler stream;
    std::vector<std::uint8_t> out;
    stream.on_segment(1000, true, false, {}, out);  // SYN: data starts at 1001
    CHECK(stream.initial_sequence() == 1000u);
    stream.on_segment(1001, false, false, text("hel"), out);
    stream.on_segment(1001, false, false, text("hel"), out);     // retransmitted
    stream.on_segment(1008, false, false, text("world"), out);   // early: waits for 1004..1007
    CHECK(as_string(out) == "hel");
    stream.on_segment(1002, false, false, text("ello, "), out);  // overlaps what we have, fills the gap
    CHECK(as_string(out) == "hello, world");
    stream.on_segment(1013, false, true, {}, out);
    CHECK(stream.finished());
    CHECK(stream.skipped() == 0);
}

TEST_CASE("sequence numbers wrap around 2^32 without losing bytes", "[trace][tcp]") {
    TcpStreamReassembler stream;
    std::vector<std::uint8_t> out;
    stream.on_segment(0xfffffffd, true, false, {}, out);
    stream.on_segment(0xfffffffe, false, false, text("ab"), out);
    stream.on_segment(0x00000000, false, false, text("cd"), out);
    CHECK(as_string(out) == "abcd");
    CHECK(sequence_difference(1, 0xffffffff) == 2);
}

TEST_CASE("a message split over segments decodes once, on the frame that completes it", "[trace][tcp]") {
    ApplicationDecoders decoders;
    decoders.push_back(std::make_unique<LineDecoder>());
    FlowTracker tracker(std::move(decoders));
    CHECK(feed(tracker, segment(true, 500, wire::tcp_flag::kSyn, "")).empty());
    CHECK(feed(tracker, segment(false, 9000, wire::tcp_flag::kSyn | wire::tcp_flag::kAck, "")).empty());
    CHECK(feed(tracker, segment(true, 501, wire::tcp_flag::kAck, "GET /in")).empty());
    auto layers = feed(tracker, segment(true, 508, wire::tcp_flag::kAck | wire::tcp_flag::kPsh, "dex\nHOST x\n"));
    REQUIRE(layers.size() == 2);
    CHECK(layers[0].protocol == "LINE");
    CHECK(layers[0].summary == "> GET /index");
    CHECK(layers[1].summary == "> HOST x");
    // The other direction is its own stream; a retransmission is not decoded again.
    CHECK(feed(tracker, segment(false, 9001, wire::tcp_flag::kAck, "200 OK\n")).at(0).summary == "< 200 OK");
    CHECK(feed(tracker, segment(false, 9001, wire::tcp_flag::kAck, "200 OK\n")).empty());
    // A flow to a port no decoder serves is not followed.
    auto other = segment(true, 1, wire::tcp_flag::kSyn, "");
    other[14 + 20 + 3] = 81;  // destination port 7777 -> 7761
    CHECK(feed(tracker, other).empty());
}

TEST_CASE("UDP datagrams go to the decoder of their well-known port, either way", "[trace][udp]") {
    ApplicationDecoders decoders;
    decoders.push_back(std::make_unique<LineDecoder>());
    FlowTracker tracker(std::move(decoders));
    auto bytes = emu::test::golden_frame("udp_datagram");  // to port 9999: nobody's
    auto decoded = wire::decode_frame(bytes);
    REQUIRE(decoded);
    CHECK(tracker.on_frame(*decoded).empty());
    bytes[14 + 20 + 2] = 0x1e;  // destination port 7777 (0x1e61)
    bytes[14 + 20 + 3] = 0x61;
    auto to_line = wire::decode_frame(bytes);
    REQUIRE(to_line);
    auto layers = tracker.on_frame(*to_line);
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].summary == "> probe\n");
}
