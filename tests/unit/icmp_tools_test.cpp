// emu-host's ping and traceroute without sockets: which ICMP messages answer which probe
// (golden frames from a real lab's kernels: tests/data/frames/capture), and the lines both
// tools print from what came back.
#include <catch2/catch.hpp>

#include "lib/wire/icmp.hpp"
#include "nodes/host/icmp_probe.hpp"
#include "nodes/host/ping_statistics.hpp"
#include "nodes/host/traceroute_hop.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::host;
using namespace std::chrono_literals;
using emu::test::golden_frame;
using emu::wire::Ipv4Address;

namespace {

constexpr std::size_t kEthernetHeader = 14;

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

// The IPv4 datagram of a golden Ethernet frame, as a raw socket hands it over.
std::vector<std::uint8_t> golden_datagram(const char* name) {
    auto frame = golden_frame(name);
    return {frame.begin() + kEthernetHeader, frame.end()};
}

ProbeIdentity echo_probe(std::uint16_t identifier, std::size_t data_size = 56) {
    return {ProbeProtocol::icmp_echo, ip("10.0.3.10"), identifier, data_size};
}

ProbeAnswer answer_from(const char* responder, std::uint8_t type, std::uint8_t code) {
    ProbeAnswer answer;
    answer.responder = ip(responder);
    answer.type = type;
    answer.code = code;
    return answer;
}

}  // namespace

TEST_CASE("an echo request carries the identifier, the sequence number and the data, with its checksum",
          "[host][icmp]") {
    auto request = echo_request(0x1234, 7, 56);
    REQUIRE(request.size() == 64);
    auto parsed = emu::wire::parse_icmp(request);
    REQUIRE(parsed);
    CHECK(parsed->checksum_valid);
    CHECK(parsed->header.type == emu::wire::icmp_type::kEchoRequest);
    CHECK(parsed->header.echo_identifier() == 0x1234);
    CHECK(parsed->header.echo_sequence() == 7);
    CHECK(parsed->body[0] == 0x00);
    CHECK(parsed->body[55] == 55);
    CHECK(echo_request(1, 1, 0).size() == 8);
}

TEST_CASE("the kernel's echo reply answers the request with its identifier, and no one else's", "[host][icmp][golden]") {
    auto reply = golden_datagram("icmp_echo_reply");
    auto answer = read_probe_answer(reply, echo_probe(0x67ba));
    REQUIRE(answer);
    CHECK(answer->is_echo_reply());
    CHECK(answer->reached_destination());
    CHECK(answer->responder == ip("10.0.3.10"));
    CHECK(answer->ttl == 63);
    CHECK(answer->sequence == 1);
    CHECK(answer->icmp_size == 64);
    CHECK_FALSE(answer->data_intact);  // iputils' ping wrote that data, with its own pattern

    CHECK_FALSE(read_probe_answer(reply, echo_probe(0x67bb)));
    ProbeIdentity udp{ProbeProtocol::udp, ip("10.0.3.10"), 0x67ba, 0};
    CHECK_FALSE(read_probe_answer(reply, udp));

    reply.back() ^= 0xff;  // the ICMP checksum no longer holds
    CHECK_FALSE(read_probe_answer(reply, echo_probe(0x67ba)));
}

TEST_CASE("our own echo comes back intact", "[host][icmp]") {
    auto request = echo_request(0x4242, 3, 40);
    // The reply is the request with type 0 (RFC 792), so its checksum is 8 << 8 less.
    std::vector<std::uint8_t> datagram = {0x45, 0, 0, static_cast<std::uint8_t>(20 + request.size()), 0, 0, 0, 0, 64, 1,
                                          0,    0, 10, 0, 3,  10, 10, 0, 1, 10};
    auto checksum = static_cast<std::uint16_t>(request[2] << 8 | request[3]);
    checksum = static_cast<std::uint16_t>(checksum + 0x0800 + ((checksum + 0x0800) >> 16));
    request[0] = 0;
    request[2] = static_cast<std::uint8_t>(checksum >> 8);
    request[3] = static_cast<std::uint8_t>(checksum);
    datagram.insert(datagram.end(), request.begin(), request.end());
    auto answer = read_probe_answer(datagram, echo_probe(0x4242, 40));
    REQUIRE(answer);
    CHECK(answer->sequence == 3);
    CHECK(answer->data_intact);
    CHECK_FALSE(read_probe_answer(datagram, echo_probe(0x4242, 41))->data_intact);
}

TEST_CASE("a router's time exceeded answers the echo request it quotes", "[host][icmp][golden]") {
    auto exceeded = golden_datagram("icmp_time_exceeded");
    auto answer = read_probe_answer(exceeded, echo_probe(0x67bb));
    REQUIRE(answer);
    CHECK(answer->is_time_exceeded());
    CHECK_FALSE(answer->reached_destination());
    CHECK(answer->responder == ip("10.0.1.1"));
    CHECK(answer->sequence == 1);
    CHECK(describe_icmp_error(*answer) == "Time to live exceeded");
    CHECK(traceroute_annotation(*answer, ProbeProtocol::icmp_echo).empty());

    CHECK_FALSE(read_probe_answer(exceeded, echo_probe(0x67ba)));  // another program's ping
    ProbeIdentity elsewhere = echo_probe(0x67bb);
    elsewhere.destination = ip("10.0.3.11");
    CHECK_FALSE(read_probe_answer(exceeded, elsewhere));
}

TEST_CASE("the destination's port unreachable answers the UDP probe to that port", "[host][icmp][golden]") {
    auto unreachable = golden_datagram("icmp_port_unreachable");
    ProbeIdentity probe{ProbeProtocol::udp, ip("10.0.3.10"), 0xc249, 0};
    auto answer = read_probe_answer(unreachable, probe);
    REQUIRE(answer);
    CHECK(answer->sequence == 9999);  // the probe's destination port
    CHECK(answer->reached_destination());
    CHECK(describe_icmp_error(*answer) == "Destination Port Unreachable");
    CHECK(traceroute_annotation(*answer, ProbeProtocol::udp).empty());
    CHECK(traceroute_annotation(*answer, ProbeProtocol::icmp_echo) == "!p");

    probe.identifier = 0xc24a;  // another socket's probe
    CHECK_FALSE(read_probe_answer(unreachable, probe));
    CHECK_FALSE(read_probe_answer(unreachable, echo_probe(0xc249)));
}

TEST_CASE("every cut of an answer is read as nothing, never as a wrong answer", "[host][icmp][golden]") {
    struct Case {
        const char* frame;
        ProbeIdentity probe;
    };
    for (const auto& [frame, probe] : {Case{"icmp_echo_reply", echo_probe(0x67ba)},
                                       Case{"icmp_time_exceeded", echo_probe(0x67bb)},
                                       Case{"icmp_port_unreachable", {ProbeProtocol::udp, ip("10.0.3.10"), 0xc249, 0}}}) {
        auto whole = golden_datagram(frame);
        REQUIRE(read_probe_answer(whole, probe));
        for (std::size_t size = 0; size < whole.size(); ++size) {
            INFO(frame << " cut to " << size << " bytes");
            std::vector<std::uint8_t> cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(size));
            CHECK_FALSE(read_probe_answer(cut, probe));
        }
    }
}

TEST_CASE("an error whose quote stops before the probe's ports or sequence number answers nothing",
          "[host][icmp]") {
    // Time exceeded from 10.0.1.1 to 10.0.1.10 quoting a UDP datagram to 10.0.3.10 with only
    // 4 bytes after its IP header: the source and destination ports, not the length and checksum.
    std::vector<std::uint8_t> quote = {0x45, 0, 0, 60, 0, 0, 0, 0, 1, 17, 0, 0, 10, 0, 1, 10, 10, 0, 3, 10,
                                       0xc2, 0x49, 0x82, 0x9a};
    std::vector<std::uint8_t> icmp = {11, 0, 0, 0, 0, 0, 0, 0};
    icmp.insert(icmp.end(), quote.begin(), quote.end());
    auto header = emu::wire::IcmpHeader{11, 0, 0, 0};
    header.finish(emu::wire::Bytes(icmp).subspan(8));
    icmp[2] = static_cast<std::uint8_t>(header.checksum >> 8);
    icmp[3] = static_cast<std::uint8_t>(header.checksum);
    std::vector<std::uint8_t> datagram = {0x45, 0, 0, static_cast<std::uint8_t>(20 + icmp.size()), 0, 0, 0, 0, 64, 1,
                                          0,    0, 10, 0, 1, 1, 10, 0, 1, 10};
    datagram.insert(datagram.end(), icmp.begin(), icmp.end());
    REQUIRE(emu::wire::parse_icmp(icmp)->checksum_valid);
    CHECK_FALSE(read_probe_answer(datagram, {ProbeProtocol::udp, ip("10.0.3.10"), 0xc249, 0}));

    // The same with the whole UDP header quoted is an answer to the probe to port 33434.
    datagram[3] = static_cast<std::uint8_t>(datagram[3] + 4);
    const std::size_t icmp_start = 20;
    for (std::uint8_t byte : {0x00, 0x28, 0x00, 0x00}) datagram.push_back(byte);
    datagram[icmp_start + 2] = datagram[icmp_start + 3] = 0;
    auto whole = emu::wire::IcmpHeader{11, 0, 0, 0};
    whole.finish(emu::wire::Bytes(datagram).subspan(icmp_start + 8));
    datagram[icmp_start + 2] = static_cast<std::uint8_t>(whole.checksum >> 8);
    datagram[icmp_start + 3] = static_cast<std::uint8_t>(whole.checksum);
    auto answer = read_probe_answer(datagram, {ProbeProtocol::udp, ip("10.0.3.10"), 0xc249, 0});
    REQUIRE(answer);
    CHECK(answer->sequence == 33434);
    CHECK(answer->is_time_exceeded());
}

TEST_CASE("ICMP errors are told as ping tells them, and marked as traceroute marks them", "[host][icmp]") {
    auto host = answer_from("10.0.34.4", 3, 1);
    CHECK(describe_icmp_error(host) == "Destination Host Unreachable");
    CHECK(traceroute_annotation(host, ProbeProtocol::udp) == "!H");
    CHECK(traceroute_annotation(answer_from("10.0.1.1", 3, 0), ProbeProtocol::udp) == "!N");
    CHECK(traceroute_annotation(answer_from("10.0.1.1", 3, 13), ProbeProtocol::udp) == "!X");
    CHECK(traceroute_annotation(answer_from("10.0.1.1", 3, 2), ProbeProtocol::udp) == "!P");
    CHECK(traceroute_annotation(answer_from("10.0.1.1", 3, 99), ProbeProtocol::udp) == "!<99>");
    auto too_big = answer_from("10.0.1.1", 3, 4);
    too_big.rest_of_header = 1400;
    CHECK(describe_icmp_error(too_big) == "Frag needed and DF set (mtu = 1400)");
    CHECK(traceroute_annotation(too_big, ProbeProtocol::udp) == "!F-1400");
    auto redirect = answer_from("10.0.1.1", 5, 1);
    redirect.rest_of_header = ip("10.0.1.2").value;
    CHECK(describe_icmp_error(redirect) == "Redirect Host(New nexthop: 10.0.1.2)");
    auto problem = answer_from("10.0.1.1", 12, 0);
    problem.rest_of_header = 20u << 24;
    CHECK(describe_icmp_error(problem) == "Parameter problem: pointer = 20");
}

TEST_CASE("round trips are printed to three significant digits", "[host][ping]") {
    CHECK(format_round_trip(93'456ns) == "0.093");
    CHECK(format_round_trip(1'254'000ns) == "1.25");
    CHECK(format_round_trip(12'340'000ns) == "12.3");
    CHECK(format_round_trip(104'400'000ns) == "104");
}

TEST_CASE("ping's statistics count replies, duplicates, errors and the round trips' spread", "[host][ping]") {
    PingStatistics statistics;
    for (std::uint16_t sequence = 1; sequence <= 4; ++sequence) statistics.sent(sequence);
    CHECK(statistics.replied(1, 100us));
    CHECK(statistics.replied(2, 300us));
    CHECK_FALSE(statistics.replied(2, 310us));  // a second reply to the same request
    statistics.error();
    CHECK(statistics.received() == 2);
    CHECK(statistics.duplicates() == 1);
    CHECK(statistics.longest_round_trip() == 300us);
    CHECK(statistics.summary("h3", 3005ms) ==
          "--- h3 ping statistics ---\n"
          "4 packets transmitted, 2 received, +1 duplicates, +1 errors, 50% packet loss, time 3005ms\n"
          "rtt min/avg/max/mdev = 0.100/0.200/0.300/0.100 ms\n");
}

TEST_CASE("ping with no reply says so, and a sequence number used again is new again", "[host][ping]") {
    PingStatistics statistics;
    statistics.sent(1);
    statistics.sent(2);
    statistics.sent(3);
    CHECK(statistics.summary("10.0.9.9", 2001ms) ==
          "--- 10.0.9.9 ping statistics ---\n"
          "3 packets transmitted, 0 received, 100% packet loss, time 2001ms\n");
    CHECK(statistics.replied(1, 1ms));
    statistics.sent(1);  // after 65536 requests the numbers come round
    CHECK(statistics.replied(1, 1ms));
    CHECK(statistics.summary("x", 0ms).find("4 packets transmitted, 2 received, 50% packet loss") != std::string::npos);
}

TEST_CASE("a traceroute hop prints each responder once, stars for silence, and marks unreachables", "[host][traceroute]") {
    auto router = answer_from("10.0.12.2", 11, 0);
    auto other_router = answer_from("10.0.13.3", 11, 0);
    CHECK(format_hop(2, {{router, 30us}, {router, 20'400ns}, {router, 19us}}, ProbeProtocol::udp) ==
          " 2  10.0.12.2  0.030 ms  0.020 ms  0.019 ms");
    CHECK(format_hop(12, {{}, {}, {}}, ProbeProtocol::udp) == "12  * * *");
    CHECK(format_hop(3, {{router, 1ms}, {}, {other_router, 2ms}}, ProbeProtocol::udp) ==
          " 3  10.0.12.2  1.000 ms * 10.0.13.3  2.000 ms");
    auto host_unreachable = answer_from("10.0.34.4", 3, 1);
    CHECK(format_hop(5, {{host_unreachable, 3'001ms}}, ProbeProtocol::udp) == " 5  10.0.34.4  3001.000 ms !H");

    std::vector<HopProbe> passing{{router, 1ms}, {}};
    CHECK_FALSE(hop_ends_trace(passing));
    std::vector<HopProbe> arrived{{}, {answer_from("10.0.3.10", 3, 3), 1ms}};
    CHECK(hop_ends_trace(arrived));
    CHECK(hop_reached_destination(arrived));
    std::vector<HopProbe> refused{{host_unreachable, 1ms}};
    CHECK(hop_ends_trace(refused));
    CHECK_FALSE(hop_reached_destination(refused));
}
