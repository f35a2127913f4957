#include "nodes/host/icmp_probe.hpp"

#include <fmt/format.h>

#include "lib/wire/icmp.hpp"
#include "lib/wire/ipv4.hpp"

namespace emu::host {
namespace {

using wire::ip_protocol::kIcmp;
using wire::ip_protocol::kUdp;

// Destination-unreachable codes (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1).
namespace unreachable {
constexpr std::uint8_t kNet = 0;
constexpr std::uint8_t kHost = 1;
constexpr std::uint8_t kProtocol = 2;
constexpr std::uint8_t kPort = 3;
constexpr std::uint8_t kFragmentationNeeded = 4;
constexpr std::uint8_t kSourceRouteFailed = 5;
constexpr std::uint8_t kNetUnknown = 6;
constexpr std::uint8_t kHostUnknown = 7;
constexpr std::uint8_t kSourceHostIsolated = 8;
constexpr std::uint8_t kNetProhibited = 9;
constexpr std::uint8_t kHostProhibited = 10;
constexpr std::uint8_t kNetForTypeOfService = 11;
constexpr std::uint8_t kHostForTypeOfService = 12;
constexpr std::uint8_t kFiltered = 13;
constexpr std::uint8_t kPrecedenceViolation = 14;
constexpr std::uint8_t kPrecedenceCutoff = 15;
}  // namespace unreachable

std::uint16_t u16_at(wire::Bytes bytes, std::size_t offset) {
    return static_cast<std::uint16_t>(bytes[offset] << 8 | bytes[offset + 1]);
}

std::uint8_t pattern_byte(std::size_t index) { return static_cast<std::uint8_t>(index); }

bool carries_pattern(wire::Bytes data, std::size_t expected_size) {
    if (data.size() != expected_size) return false;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (data[i] != pattern_byte(i)) return false;
    }
    return true;
}

// The probe an error quotes (RFC 792: its IP header and at least 8 bytes of what followed,
// which hold the UDP ports or the echo identifier and sequence number): its sequence, when
// it was one of ours.
std::optional<std::uint16_t> quoted_probe_sequence(const wire::IcmpMessage& error, const ProbeIdentity& probe) {
    if (!error.quoted) return std::nullopt;
    const auto& quote = *error.quoted;
    if (quote.header.destination != probe.destination || quote.leading_payload.size() < 8) return std::nullopt;
    const auto leading = quote.leading_payload;
    if (probe.protocol == ProbeProtocol::udp) {
        if (quote.header.protocol != kUdp || u16_at(leading, 0) != probe.identifier) return std::nullopt;
        return u16_at(leading, 2);
    }
    if (quote.header.protocol != kIcmp || leading[0] != wire::icmp_type::kEchoRequest ||
        u16_at(leading, 4) != probe.identifier) {
        return std::nullopt;
    }
    return u16_at(leading, 6);
}

}  // namespace

bool ProbeAnswer::is_echo_reply() const { return type == wire::icmp_type::kEchoReply; }

bool ProbeAnswer::is_time_exceeded() const { return type == wire::icmp_type::kTimeExceeded; }

bool ProbeAnswer::reached_destination() const {
    return is_echo_reply() || (type == wire::icmp_type::kDestinationUnreachable && code == unreachable::kPort);
}

std::vector<std::uint8_t> probe_data(std::size_t size) {
    std::vector<std::uint8_t> data(size);
    for (std::size_t i = 0; i < size; ++i) data[i] = pattern_byte(i);
    return data;
}

std::vector<std::uint8_t> echo_request(std::uint16_t identifier, std::uint16_t sequence, std::size_t data_size) {
    auto data = probe_data(data_size);
    auto header = wire::IcmpHeader::echo(wire::icmp_type::kEchoRequest, identifier, sequence);
    header.finish(data);
    std::vector<std::uint8_t> message;
    message.reserve(wire::IcmpHeader::kSize + data.size());
    wire::Writer out(message);
    wire::write_icmp(out, header);
    out.bytes(data);
    return message;
}

std::optional<ProbeAnswer> read_probe_answer(wire::Bytes datagram, const ProbeIdentity& probe) {
    auto packet = wire::parse_ipv4(datagram);
    if (!packet || packet->header.protocol != kIcmp || packet->header.is_fragment()) return std::nullopt;
    auto message = wire::parse_icmp(packet->payload);
    if (!message || !message->checksum_valid) return std::nullopt;
    ProbeAnswer answer;
    answer.responder = packet->header.source;
    answer.ttl = packet->header.ttl;
    answer.type = message->header.type;
    answer.code = message->header.code;
    answer.rest_of_header = message->header.rest_of_header;
    answer.icmp_size = packet->payload.size();
    if (answer.is_echo_reply()) {
        if (probe.protocol != ProbeProtocol::icmp_echo || message->header.echo_identifier() != probe.identifier) {
            return std::nullopt;
        }
        answer.sequence = message->header.echo_sequence();
        answer.data_intact = carries_pattern(message->body, probe.data_size);
        return answer;
    }
    if (!message->header.is_error()) return std::nullopt;
    auto sequence = quoted_probe_sequence(*message, probe);
    if (!sequence) return std::nullopt;
    answer.sequence = *sequence;
    return answer;
}

std::string describe_icmp_error(const ProbeAnswer& answer) {
    using namespace wire::icmp_type;
    switch (answer.type) {
    case kDestinationUnreachable:
        switch (answer.code) {
        case unreachable::kNet: return "Destination Net Unreachable";
        case unreachable::kHost: return "Destination Host Unreachable";
        case unreachable::kProtocol: return "Destination Protocol Unreachable";
        case unreachable::kPort: return "Destination Port Unreachable";
        case unreachable::kFragmentationNeeded:
            return fmt::format("Frag needed and DF set (mtu = {})", answer.rest_of_header & 0xffff);
        case unreachable::kSourceRouteFailed: return "Source Route Failed";
        case unreachable::kNetUnknown: return "Destination Net Unknown";
        case unreachable::kHostUnknown: return "Destination Host Unknown";
        case unreachable::kSourceHostIsolated: return "Source Host Isolated";
        case unreachable::kNetProhibited: return "Destination Net Prohibited";
        case unreachable::kHostProhibited: return "Destination Host Prohibited";
        case unreachable::kNetForTypeOfService: return "Destination Net Unreachable for Type of Service";
        case unreachable::kHostForTypeOfService: return "Destination Host Unreachable for Type of Service";
        case unreachable::kFiltered: return "Packet filtered";
        case unreachable::kPrecedenceViolation: return "Precedence Violation";
        case unreachable::kPrecedenceCutoff: return "Precedence Cutoff";
        default: return fmt::format("Destination Unreachable, Bad Code: {}", answer.code);
        }
    case kTimeExceeded:
        return answer.code == 0 ? "Time to live exceeded" : answer.code == 1 ? "Frag reassembly time exceeded"
                                                                             : fmt::format("Time exceeded, Bad Code: {}", answer.code);
    case kParameterProblem: return fmt::format("Parameter problem: pointer = {}", answer.rest_of_header >> 24);
    case kRedirect: {
        static constexpr const char* kKinds[] = {"Network", "Host", "Type of Service and Network", "Type of Service and Host"};
        return fmt::format("Redirect {}(New nexthop: {})", answer.code < 4 ? kKinds[answer.code] : "Bad Code",
                           wire::Ipv4Address{answer.rest_of_header}.to_string());
    }
    default: return fmt::format("Bad ICMP type: {}", answer.type);
    }
}

std::string traceroute_annotation(const ProbeAnswer& answer, ProbeProtocol protocol) {
    if (answer.type != wire::icmp_type::kDestinationUnreachable) return {};
    switch (answer.code) {
    case unreachable::kNet:
    case unreachable::kNetUnknown:
    case unreachable::kSourceHostIsolated:
    case unreachable::kNetForTypeOfService: return "!N";
    case unreachable::kHost:
    case unreachable::kHostUnknown:
    case unreachable::kHostForTypeOfService: return "!H";
    // UDP probes reach their destination when it says the port is closed; an echo probe's
    // destination answers with a reply instead, so port unreachable is not expected there.
    case unreachable::kPort: return protocol == ProbeProtocol::udp ? "" : "!p";
    case unreachable::kProtocol: return "!P";
    case unreachable::kFragmentationNeeded: return fmt::format("!F-{}", answer.rest_of_header & 0xffff);
    case unreachable::kSourceRouteFailed: return "!S";
    case unreachable::kNetProhibited:
    case unreachable::kHostProhibited:
    case unreachable::kFiltered: return "!X";
    case unreachable::kPrecedenceViolation: return "!V";
    case unreachable::kPrecedenceCutoff: return "!C";
    default: return fmt::format("!<{}>", answer.code);
    }
}

}  // namespace emu::host
