// The lower-layer codecs against golden frames captured in a real lab
// (tests/data/frames/capture says how): each layer parses to the values the traffic had,
// writes back to the same bytes, rejects every truncation, and checks its checksum.
#include <catch2/catch.hpp>

#include <algorithm>

#include "lib/wire/checksum.hpp"
#include "lib/wire/frame.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::wire;
using emu::test::golden_frame;
using emu::test::golden_frame_names;

namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

DecodedFrame decode_golden(const std::vector<std::uint8_t>& bytes) {
    auto decoded = decode_frame(bytes);
    REQUIRE(decoded);
    if (decoded->error) FAIL(decoded->error->first << ": " << decoded->error->second.to_string());
    return *decoded;
}

// A decoded golden frame together with its bytes: the decoded views point into them.
struct Golden : DecodedFrame {
    std::vector<std::uint8_t> bytes;
};

Golden load(const std::string& name) {
    Golden golden;
    golden.bytes = golden_frame(name);
    static_cast<DecodedFrame&>(golden) = decode_golden(golden.bytes);
    return golden;
}

std::vector<std::uint8_t> concat(std::vector<std::uint8_t> head, Bytes tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

template <typename Header, typename Write>
std::vector<std::uint8_t> written(const Header& header, Write write) {
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write(out, header);
    return bytes;
}

bool same(Bytes a, Bytes b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

}  // namespace

TEST_CASE("every golden frame decodes whole and writes back byte for byte", "[wire][golden]") {
    auto names = golden_frame_names();
    REQUIRE(names.size() >= 15);
    for (const auto& name : names) {
        INFO(name);
        auto bytes = golden_frame(name);
        auto frame = decode_golden(bytes);
        CHECK(same(concat(written(frame.ethernet.header, write_ethernet), frame.ethernet.payload), bytes));
        if (frame.arp) {
            CHECK(same(written(*frame.arp, write_arp), frame.ethernet.payload.first(ArpPacket::kSize)));
        }
        if (frame.ipv4) {
            CHECK(frame.ipv4->checksum_valid);
            auto ip_bytes = frame.ethernet.payload.first(frame.ipv4->header.total_length);
            CHECK(same(concat(written(frame.ipv4->header, write_ipv4), frame.ipv4->payload), ip_bytes));
        }
        if (frame.icmp) {
            CHECK(same(concat(written(frame.icmp->header, write_icmp), frame.icmp->body), frame.ipv4->payload));
        }
        if (frame.udp) {
            CHECK(same(concat(written(frame.udp->header, write_udp), frame.udp->payload), frame.ipv4->payload));
        }
        if (frame.tcp) {
            CHECK(same(concat(written(frame.tcp->header, write_tcp), frame.tcp->payload), frame.ipv4->payload));
        }
    }
}

TEST_CASE("every truncation of a golden frame is rejected by some layer", "[wire][golden]") {
    for (const auto& name : golden_frame_names()) {
        INFO(name);
        auto bytes = golden_frame(name);
        auto whole = decode_golden(bytes);
        // A frame cut inside the first fragment's transport header has no length to check it by:
        // only the layers that carry a length can tell.
        for (std::size_t size = 0; size < whole.meaningful_size(); ++size) {
            INFO("cut to " << size << " bytes");
            auto cut = decode_frame(Bytes(bytes).first(size));
            CHECK((!cut || cut->error));
        }
    }
}

TEST_CASE("transport checksums of the golden frames are right, and one flipped bit is seen", "[wire][golden]") {
    for (const auto& name : golden_frame_names()) {
        INFO(name);
        auto bytes = golden_frame(name);
        auto frame = decode_golden(bytes);
        if (!frame.ipv4 || frame.ipv4->header.is_fragment()) continue;
        const auto& header = frame.ipv4->header;
        if (frame.udp || frame.tcp) {
            CHECK(ipv4_transport_checksum(header.source, header.destination, header.protocol, frame.ipv4->payload) == 0);
        }
        if (frame.icmp) CHECK(frame.icmp->checksum_valid);
        // Flip the last bit of the IP payload: every checksum over it must notice.
        auto damaged = bytes;
        damaged[frame.ethernet.header.size() + header.total_length - 1] ^= 0x01;
        auto broken = decode_golden(damaged);
        if (frame.udp || frame.tcp) {
            CHECK(ipv4_transport_checksum(header.source, header.destination, header.protocol,
                                          broken.ipv4->payload) != 0);
        }
        if (frame.icmp) CHECK_FALSE(broken.icmp->checksum_valid);
        damaged = bytes;
        damaged[frame.ethernet.header.size() + 8] ^= 0x01;  // the TTL
        CHECK_FALSE(decode_golden(damaged).ipv4->checksum_valid);
    }
}

TEST_CASE("an ARP request for the gateway and its reply", "[wire][golden][arp]") {
    auto request = load("arp_request");
    REQUIRE(request.arp);
    CHECK(request.ethernet.header.destination.to_string() == "ff:ff:ff:ff:ff:ff");
    CHECK(request.ethernet.header.ether_type == ether_type::kArp);
    CHECK(request.arp->operation == ArpPacket::kRequest);
    CHECK(request.arp->sender_ip == ip("10.0.1.10"));
    CHECK(request.arp->target_ip == ip("10.0.1.1"));
    CHECK(request.arp->sender_mac == request.ethernet.header.source);
    CHECK_FALSE(request.arp->is_gratuitous());
    CHECK(request.meaningful_size() == 42);

    auto reply = load("arp_reply");
    REQUIRE(reply.arp);
    CHECK(reply.arp->operation == ArpPacket::kReply);
    CHECK(reply.arp->sender_ip == ip("10.0.1.1"));
    CHECK(reply.arp->target_mac == request.arp->sender_mac);
    CHECK(reply.ethernet.header.destination == request.ethernet.header.source);
}

TEST_CASE("an ICMP echo request and reply across the router", "[wire][golden][icmp]") {
    auto request = load("icmp_echo_request");
    REQUIRE(request.icmp);
    CHECK(request.ipv4->header.source == ip("10.0.1.10"));
    CHECK(request.ipv4->header.destination == ip("10.0.3.10"));
    CHECK(request.ipv4->header.ttl == 64);
    CHECK(request.ipv4->header.dont_fragment);
    CHECK_FALSE(request.ipv4->header.is_fragment());
    CHECK(request.icmp->header.type == icmp_type::kEchoRequest);
    CHECK(request.icmp->header.echo_sequence() == 1);
    CHECK(request.icmp->body.size() == 56);  // ping's default

    auto reply = load("icmp_echo_reply");
    REQUIRE(reply.icmp);
    CHECK(reply.icmp->header.type == icmp_type::kEchoReply);
    CHECK(reply.ipv4->header.ttl == 63);  // one router on the way back
    CHECK(reply.icmp->header.echo_identifier() == request.icmp->header.echo_identifier());
    CHECK(same(reply.icmp->body, request.icmp->body));
}

TEST_CASE("ICMP errors quote the datagram that caused them", "[wire][golden][icmp]") {
    auto exceeded = load("icmp_time_exceeded");
    REQUIRE(exceeded.icmp);
    CHECK(exceeded.icmp->header.type == icmp_type::kTimeExceeded);
    CHECK(exceeded.icmp->header.code == 0);  // TTL exceeded in transit
    CHECK(exceeded.ipv4->header.source == ip("10.0.1.1"));
    REQUIRE(exceeded.icmp->quoted);
    CHECK(exceeded.icmp->quoted->header.source == ip("10.0.1.10"));
    CHECK(exceeded.icmp->quoted->header.destination == ip("10.0.3.10"));
    CHECK(exceeded.icmp->quoted->header.protocol == ip_protocol::kIcmp);
    CHECK(exceeded.icmp->quoted->leading_payload.size() >= 8);

    auto unreachable = load("icmp_port_unreachable");
    REQUIRE(unreachable.icmp);
    CHECK(unreachable.icmp->header.type == icmp_type::kDestinationUnreachable);
    CHECK(unreachable.icmp->header.code == 3);  // port unreachable
    REQUIRE(unreachable.icmp->quoted);
    CHECK(unreachable.icmp->quoted->header.protocol == ip_protocol::kUdp);
    auto quoted_udp = unreachable.icmp->quoted->leading_payload;
    REQUIRE(quoted_udp.size() >= 4);
    CHECK((quoted_udp[2] << 8 | quoted_udp[3]) == 9999);
}

TEST_CASE("a UDP datagram, and the same one made from its fields", "[wire][golden][udp]") {
    auto bytes = golden_frame("udp_datagram");
    auto frame = decode_golden(bytes);
    REQUIRE(frame.udp);
    CHECK(frame.udp->header.destination_port == 9999);
    CHECK(std::string(frame.udp->payload.begin(), frame.udp->payload.end()) == "probe\n");

    // Build it again from the fields that are not derived, with finish() computing the rest.
    auto ip_header = frame.ipv4->header;
    ip_header.total_length = 0;
    ip_header.checksum = 0;
    UdpHeader udp_header;
    udp_header.source_port = frame.udp->header.source_port;
    udp_header.destination_port = 9999;
    udp_header.finish(ip_header.source, ip_header.destination, frame.udp->payload);
    ip_header.finish(UdpHeader::kSize + frame.udp->payload.size());
    std::vector<std::uint8_t> made;
    Writer out(made);
    write_ethernet(out, frame.ethernet.header);
    write_ipv4(out, ip_header);
    write_udp(out, udp_header);
    out.bytes(frame.udp->payload);
    CHECK(same(made, Bytes(bytes).first(frame.meaningful_size())));
}

TEST_CASE("the TCP handshake, data and close of a real connection", "[wire][golden][tcp]") {
    auto syn = load("tcp_syn");
    REQUIRE(syn.tcp);
    CHECK(syn.tcp->header.flags == tcp_flag::kSyn);
    CHECK(syn.tcp->header.destination_port == 8080);
    REQUIRE(syn.tcp->options);
    const auto& options = *syn.tcp->options;
    CHECK(options.maximum_segment_size == 1460);
    CHECK(options.sack_permitted);
    CHECK(options.timestamp_value.has_value());
    CHECK(options.timestamp_echo == 0u);
    CHECK(options.window_scale.has_value());
    CHECK(options.unknown_kinds.empty());
    // Laid out again the way Linux does it, the options are the bytes Linux sent.
    CHECK(same(make_tcp_options(options), syn.tcp->header.options()));

    auto syn_ack = load("tcp_syn_ack");
    REQUIRE(syn_ack.tcp);
    CHECK(syn_ack.tcp->header.flags == (tcp_flag::kSyn | tcp_flag::kAck));
    CHECK(syn_ack.tcp->header.acknowledgment == syn.tcp->header.sequence + 1);
    CHECK(syn_ack.tcp->options->timestamp_echo == options.timestamp_value);
    CHECK(same(make_tcp_options(*syn_ack.tcp->options), syn_ack.tcp->header.options()));

    auto data = load("tcp_data");
    REQUIRE(data.tcp);
    CHECK(data.tcp->header.has(tcp_flag::kPsh));
    CHECK(data.tcp->header.has(tcp_flag::kAck));
    CHECK(data.tcp->header.sequence == syn.tcp->header.sequence + 1);
    CHECK(std::string(data.tcp->payload.begin(), data.tcp->payload.end()) == "hello\n");
    CHECK(same(make_tcp_options(*data.tcp->options), data.tcp->header.options()));

    auto fin = load("tcp_fin");
    REQUIRE(fin.tcp);
    CHECK(fin.tcp->header.has(tcp_flag::kFin));
    CHECK(tcp_flag_names(fin.tcp->header.flags).find("FIN") != std::string::npos);
    CHECK(tcp_flag_names(tcp_flag::kSyn | tcp_flag::kAck) == "SYN,ACK");
}

TEST_CASE("IPv4 options are kept and fragments recognised", "[wire][golden][ipv4]") {
    auto record_route = load("ipv4_record_route");
    REQUIRE(record_route.ipv4);
    CHECK(record_route.ipv4->header.header_length() > 20);
    const auto& options = record_route.ipv4->header.options;
    auto first_option = std::find_if(options.begin(), options.end(), [](auto kind) { return kind != 1; });
    REQUIRE(first_option != options.end());  // ping -R puts a NOP before it, aligning the addresses
    CHECK(*first_option == 7);                // RFC 791: Record Route
    REQUIRE(record_route.icmp);                       // the payload after the options still decodes
    CHECK(record_route.icmp->header.is_echo());

    auto first = load("ipv4_first_fragment");
    REQUIRE(first.ipv4);
    CHECK(first.ipv4->header.more_fragments);
    CHECK(first.ipv4->header.is_fragment());
    CHECK(first.ipv4->header.is_first_fragment());
    CHECK(first.ipv4->header.total_length == 1500);
    CHECK(first.icmp);  // the echo header is in the first fragment

    auto last = load("ipv4_last_fragment");
    REQUIRE(last.ipv4);
    CHECK_FALSE(last.ipv4->header.more_fragments);
    CHECK(last.ipv4->header.fragment_offset * 8 == 1480);
    CHECK(last.ipv4->header.identification == first.ipv4->header.identification);
    CHECK_FALSE(last.icmp);  // a later fragment carries no ICMP header
}

TEST_CASE("an 802.1Q tagged frame carries its VLAN id and the inner EtherType", "[wire][golden][ethernet]") {
    auto frame = load("vlan_echo_request");
    REQUIRE(frame.ethernet.header.vlan);
    CHECK(frame.ethernet.header.vlan->vlan_id == 10);
    CHECK(frame.ethernet.header.ether_type == ether_type::kIpv4);
    CHECK(frame.ethernet.header.size() == 18);
    REQUIRE(frame.icmp);
    CHECK(frame.ethernet.header.vlan->priority == 5);
    CHECK_FALSE(frame.ethernet.header.vlan->drop_eligible);
    CHECK(frame.ipv4->header.destination == ip("10.0.3.10"));
}

TEST_CASE("malformed headers are refused with the field and offset", "[wire][ipv4][ethernet]") {
    auto bytes = golden_frame("icmp_echo_request");
    std::vector<std::uint8_t> ip_bytes(bytes.begin() + 14, bytes.end());

    auto version6 = ip_bytes;
    version6[0] = 0x65;
    CHECK(parse_ipv4(version6).error().what == "version 6, not 4");
    auto short_header = ip_bytes;
    short_header[0] = 0x44;
    CHECK(parse_ipv4(short_header).error().what == "header length 16 is below 20");
    auto short_total = ip_bytes;
    short_total[2] = 0;
    short_total[3] = 19;
    CHECK(parse_ipv4(short_total).error().offset == 2);
    auto long_total = ip_bytes;
    long_total[2] = 0x05;
    auto too_long = parse_ipv4(long_total);
    REQUIRE_FALSE(too_long);
    CHECK(too_long.error().what.find("truncated: payload") == 0);
    CHECK(too_long.error().offset == 20);

    auto length_frame = bytes;
    length_frame[12] = 0x00;
    length_frame[13] = 0x40;
    CHECK(parse_ethernet(length_frame).error().what == "an IEEE 802.3 length field, not an EtherType");
    CHECK(parse_ethernet(Bytes(bytes).first(13)).error().to_string() ==
          "truncated: EtherType needs 2 bytes, 1 left (at byte 12)");

    auto arp = golden_frame("arp_request");
    arp[14] = 0x01;  // hardware type 257
    CHECK_FALSE(parse_arp(Bytes(arp).subspan(14)));

    std::vector<std::uint8_t> udp = {0, 1, 0, 2, 0, 7, 0, 0};
    CHECK(parse_udp(udp).error().what == "length 7 is below 8");
    std::vector<std::uint8_t> tcp(20, 0);
    tcp[12] = 0x40;
    CHECK(parse_tcp(tcp).error().what == "data offset 16 bytes is below 20");
}

TEST_CASE("bad TCP options leave the segment readable and say what is wrong", "[wire][tcp]") {
    auto check_error = [](std::vector<std::uint8_t> options, const std::string& what, std::size_t offset) {
        INFO(what);
        auto parsed = parse_tcp_options(options);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().what == what);
        CHECK(parsed.error().offset == offset);
    };
    check_error({1, 2, 1, 0}, "MSS option length 1 is below 2", 3);
    check_error({2, 4, 5}, "truncated: option value needs 2 bytes, 1 left", 2);
    check_error({2, 3, 5, 0}, "MSS option length 3, not 4", 3);
    check_error({5, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "SACK option length 11 is not 2 + 8n", 11);
    check_error({3}, "truncated: option length needs 1 byte, 0 left", 1);

    auto unknown = parse_tcp_options(std::vector<std::uint8_t>{30, 4, 0xaa, 0xbb, 0, 99, 99, 99});
    REQUIRE(unknown);
    CHECK(unknown->unknown_kinds == std::vector<std::uint8_t>{30});

    // A segment with such options still parses; the options carry the error, at the header offset.
    auto segment = golden_frame("tcp_syn");
    auto options_at = 14 + 20 + 20;
    segment[options_at + 1] = 1;  // MSS length 1
    auto frame = decode_golden(segment);
    REQUIRE(frame.tcp);
    REQUIRE_FALSE(frame.tcp->options);
    CHECK(frame.tcp->options.error().offset == 20 + 2);
}

TEST_CASE("TCP options are laid out as Linux does, SACK blocks as room allows", "[wire][tcp]") {
    TcpOptions options;
    options.timestamp_value = 100;
    options.timestamp_echo = 200;
    options.sack = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
    auto bytes = make_tcp_options(options);
    CHECK(bytes.size() == 40);
    auto parsed = parse_tcp_options(bytes);
    REQUIRE(parsed);
    CHECK(parsed->sack.size() == 3);  // RFC 2018 §3: with timestamps, three blocks fit
    CHECK(parsed->timestamp_echo == 200u);

    TcpHeader header;
    CHECK(header.set_options(bytes));
    CHECK(header.header_length() == 60);
    CHECK_FALSE(header.set_options(std::vector<std::uint8_t>(3, 1)));
    CHECK_FALSE(header.set_options(std::vector<std::uint8_t>(44, 1)));
}

TEST_CASE("the Internet checksum matches RFC 1071's worked example", "[wire][checksum]") {
    // RFC 1071 §3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2; the checksum is its complement.
    std::vector<std::uint8_t> bytes = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    InternetChecksum whole;
    whole.add(bytes);
    CHECK(whole.value() == static_cast<std::uint16_t>(~0xddf2));
    InternetChecksum pieces;  // the same sum fed in odd-sized pieces
    pieces.add(Bytes(bytes).first(3));
    pieces.add(Bytes(bytes).subspan(3, 3));
    pieces.add(Bytes(bytes).subspan(6));
    CHECK(pieces.value() == whole.value());
}
