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

// A TCP/IPv4 frame from h1 (10.0.1.10:40000) to h5 (10.0.3.10:7777, or another server port)
// or back, made with the codecs.
std::vector<std::uint8_t> segment(bool from_client, std::uint32_t sequence, std::uint8_t flags,
                                  const std::string& payload, std::uint32_t acknowledgment = 0,
                                  std::uint16_t server_port = 7777) {
    wire::Ipv4Address client = *wire::Ipv4Address::parse("10.0.1.10");
    wire::Ipv4Address server = *wire::Ipv4Address::parse("10.0.3.10");
    wire::EthernetHeader ethernet;
    ethernet.ether_type = wire::ether_type::kIpv4;
    wire::Ipv4Header ip;
    ip.protocol = wire::ip_protocol::kTcp;
    ip.source = from_client ? client : server;
    ip.destination = from_client ? server : client;
    wire::TcpHeader tcp;
    tcp.source_port = from_client ? 40000 : server_port;
    tcp.destination_port = from_client ? server_port : 40000;
    tcp.sequence = sequence;
    tcp.acknowledgment = acknowledgment;
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

TEST_CASE("a gap the other end acknowledged is given up at once: those bytes were never captured",
          "[trace][tcp]") {
    TcpStreamReassembler stream;
    std::vector<std::uint8_t> out;
    stream.on_segment(1000, true, false, {}, out);
    stream.on_segment(1001, false, false, text("one "), out);
    stream.on_segment(1009, false, false, text("three"), out);  // 1005..1008 not captured
    CHECK(as_string(out) == "one ");
    CHECK(stream.waiting() == 1);
    stream.on_acknowledged(1003, out);  // the peer has less than we have: nothing to give up
    CHECK(stream.skipped() == 0);
    stream.on_acknowledged(1014, out);  // it has everything: the gap will never fill
    CHECK(stream.skipped() == 4);
    CHECK(stream.last_gap_at() == 4);  // "one " lies before the gap
    CHECK(as_string(out) == "one three");
    CHECK(stream.waiting() == 0);
    // The ACK of a FIN is no gap: a FIN takes a sequence number, not a byte.
    stream.on_segment(1014, false, true, {}, out);
    stream.on_acknowledged(1015, out);
    CHECK(stream.skipped() == 4);
}

TEST_CASE("many early segments wait in order, and too many give up the earliest gap first", "[trace][tcp]") {
    TcpStreamReassembler stream;
    std::vector<std::uint8_t> out;
    stream.on_segment(0xffff0000, true, false, {}, out);  // wraps around 2^32 on the way
    std::uint32_t start = 0xffff0001;
    std::vector<std::uint8_t> block(1000, 'x');
    // Every other block of 1000 bytes arrives: each waits behind the missing one before it.
    std::size_t sent = 0;
    for (std::uint32_t i = 1; sent + block.size() <= TcpStreamReassembler::kMaxPending; i += 2, sent += block.size()) {
        stream.on_segment(start + i * 1000, false, false, block, out);
    }
    CHECK(out.empty());
    CHECK(stream.waiting() == sent / 1000);
    // One more than there is room for: the earliest gap goes, and what followed it.
    stream.on_segment(start + static_cast<std::uint32_t>(2 * sent / 1000 + 1) * 1000, false, false, block, out);
    CHECK(stream.skipped() == 1000);
    CHECK(out.size() == 1000);
    CHECK(stream.waiting() == sent / 1000);
    // The missing blocks come after all (retransmitted): everything is delivered in order.
    for (std::uint32_t i = 2; i <= 2 * sent / 1000 + 2; i += 2) stream.on_segment(start + i * 1000, false, false, block, out);
    CHECK(stream.waiting() == 0);
    CHECK(out.size() == 2 * sent + 2000);
}

TEST_CASE("after a gap, a decoder forgets the message under way and reads the next one", "[trace][tcp]") {
    ApplicationDecoders decoders;
    for (auto& decoder : make_application_decoders()) {
        if (decoder->serves(wire::ip_protocol::kTcp, 80)) decoders.push_back(std::move(decoder));
    }
    REQUIRE(decoders.size() == 1);
    FlowTracker tracker(std::move(decoders));
    auto to_server = [&](std::uint32_t sequence, std::uint8_t flags, const std::string& payload) {
        return feed(tracker, segment(true, sequence, flags, payload, 0, 80));
    };
    CHECK(to_server(100, wire::tcp_flag::kSyn, "").empty());
    // A request whose head is cut by a segment the capture lost (bytes 122..140)…
    CHECK(to_server(101, wire::tcp_flag::kAck, "GET /a HTTP/1.1\r\nHo").empty());
    // …then the next request, held behind the gap.
    std::string next = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
    CHECK(to_server(141, wire::tcp_flag::kAck, next).empty());
    // The server's ACK says it has them all: the gap is given up, the cut request forgotten,
    // and the next one decoded.
    auto acknowledged = 141u + static_cast<std::uint32_t>(next.size());
    auto layers = feed(tracker, segment(false, 9000, wire::tcp_flag::kAck, "", acknowledged, 80));
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].summary == "HTTP GET /b Host: x");
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
