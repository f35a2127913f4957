#include "emud/trace/describe.hpp"

#include "emud/trace/igmp_describe.hpp"
#include "emud/trace/layer_fields.hpp"
#include "emud/trace/ospf_describe.hpp"

#include <fmt/format.h>

#include "lib/wire/checksum.hpp"
#include "lib/wire/frame.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace emu::wire;

std::string ether_type_name(std::uint16_t type) {
    switch (type) {
        case ether_type::kIpv4: return "IPv4";
        case ether_type::kArp: return "ARP";
        case ether_type::kIpv6: return "IPv6";
        default: return fmt::format("0x{:04x}", type);
    }
}

Layer ethernet_layer(const EthernetHeader& header) {
    json fields = {{kEthernetFields["src"], header.source.to_string()},
                   {kEthernetFields["dst"], header.destination.to_string()},
                   {kEthernetFields["type"], ether_type_name(header.ether_type)}};
    std::string summary = fmt::format("Ethernet {} → {} type {}", header.source.to_string(),
                                      header.destination.to_string(), ether_type_name(header.ether_type));
    if (header.vlan) {
        fields[kEthernetFields["vlan"]] = header.vlan->vlan_id;
        fields[kEthernetFields["priority"]] = header.vlan->priority;
        summary += fmt::format(" vlan {}", header.vlan->vlan_id);
    }
    return kEthernetFields.layer(std::move(summary), std::move(fields));
}

Layer arp_layer(const ArpPacket& arp) {
    json fields = {{kArpFields["sender_ip"], arp.sender_ip.to_string()},
                   {kArpFields["sender_mac"], arp.sender_mac.to_string()},
                   {kArpFields["target_ip"], arp.target_ip.to_string()},
                   {kArpFields["target_mac"], arp.target_mac.to_string()}};
    std::string summary;
    if (arp.operation == ArpPacket::kRequest && arp.is_gratuitous()) {
        fields[kArpFields["op"]] = "announce";
        summary = fmt::format("ARP announce {} is-at {}", arp.sender_ip.to_string(), arp.sender_mac.to_string());
    } else if (arp.operation == ArpPacket::kRequest) {
        fields[kArpFields["op"]] = "request";
        summary = fmt::format("ARP who-has {} tell {}", arp.target_ip.to_string(), arp.sender_ip.to_string());
    } else if (arp.operation == ArpPacket::kReply) {
        fields[kArpFields["op"]] = "reply";
        summary = fmt::format("ARP {} is-at {}", arp.sender_ip.to_string(), arp.sender_mac.to_string());
    } else {
        fields[kArpFields["op"]] = arp.operation;
        summary = fmt::format("ARP operation {}", arp.operation);
    }
    return kArpFields.layer(std::move(summary), std::move(fields));
}

std::string ip_protocol_name(std::uint8_t protocol) {
    switch (protocol) {
        case ip_protocol::kIcmp: return "ICMP";
        case ip_protocol::kIgmp: return "IGMP";
        case ip_protocol::kTcp: return "TCP";
        case ip_protocol::kUdp: return "UDP";
        case ip_protocol::kOspf: return "OSPF";
        default: return std::to_string(protocol);
    }
}

Layer ipv4_layer(const Ipv4Packet& packet) {
    const auto& header = packet.header;
    json fields = {{kIpv4Fields["src"], header.source.to_string()},
                   {kIpv4Fields["dst"], header.destination.to_string()},
                   {kIpv4Fields["ttl"], header.ttl},
                   {kIpv4Fields["protocol"], ip_protocol_name(header.protocol)},
                   {kIpv4Fields["id"], header.identification},
                   {kIpv4Fields["length"], header.total_length},
                   {kIpv4Fields["df"], header.dont_fragment},
                   {kIpv4Fields["checksum_valid"], packet.checksum_valid}};
    auto summary = fmt::format("IPv4 {} → {} ttl {}", header.source.to_string(), header.destination.to_string(),
                               header.ttl);
    if (header.is_fragment()) {
        fields[kIpv4Fields["fragment_offset"]] = header.fragment_offset * 8;
        fields[kIpv4Fields["more_fragments"]] = header.more_fragments;
        summary += fmt::format(" fragment id {} offset {}{}", header.identification, header.fragment_offset * 8,
                               header.more_fragments ? " +" : "");
    }
    if (!header.options.empty()) {
        fields[kIpv4Fields["options_length"]] = header.options.size();
        summary += fmt::format(" options {} bytes", header.options.size());
    }
    if (!packet.checksum_valid) summary += " BAD header checksum";
    return kIpv4Fields.layer(std::move(summary), std::move(fields));
}

std::string icmp_type_name(std::uint8_t type) {
    switch (type) {
        case icmp_type::kEchoReply: return "echo-reply";
        case icmp_type::kDestinationUnreachable: return "unreachable";
        case icmp_type::kRedirect: return "redirect";
        case icmp_type::kEchoRequest: return "echo-request";
        case icmp_type::kTimeExceeded: return "time-exceeded";
        case icmp_type::kParameterProblem: return "parameter-problem";
        default: return std::to_string(type);
    }
}

// RFC 792 and RFC 1812 §5.2.7.1 names of the Destination Unreachable codes.
std::string unreachable_reason(std::uint8_t code) {
    static constexpr const char* kReasons[] = {"net", "host", "protocol", "port", "fragmentation needed",
                                               "source route failed", "net unknown", "host unknown"};
    return code < std::size(kReasons) ? kReasons[code] : fmt::format("code {}", code);
}

Layer icmp_layer(const IcmpMessage& message) {
    const auto& header = message.header;
    json fields = {{kIcmpFields["type"], icmp_type_name(header.type)},
                   {kIcmpFields["code"], header.code},
                   {kIcmpFields["checksum_valid"], message.checksum_valid}};
    std::string summary;
    if (header.is_echo()) {
        fields[kIcmpFields["id"]] = header.echo_identifier();
        fields[kIcmpFields["seq"]] = header.echo_sequence();
        summary = fmt::format("ICMP echo {} id {} seq {}", header.type == icmp_type::kEchoRequest ? "request" : "reply",
                              header.echo_identifier(), header.echo_sequence());
    } else if (header.type == icmp_type::kDestinationUnreachable) {
        fields[kIcmpFields["reason"]] = unreachable_reason(header.code);
        summary = "ICMP destination unreachable (" + unreachable_reason(header.code) + ")";
        if (header.code == 4) {
            fields[kIcmpFields["mtu"]] = header.next_hop_mtu();
            summary += fmt::format(" mtu {}", header.next_hop_mtu());
        }
    } else if (header.type == icmp_type::kTimeExceeded) {
        summary = header.code == 0 ? "ICMP time exceeded (TTL in transit)" : "ICMP time exceeded (reassembly)";
    } else if (header.type == icmp_type::kRedirect) {
        fields[kIcmpFields["gateway"]] = header.redirect_gateway().to_string();
        summary = "ICMP redirect to " + header.redirect_gateway().to_string();
    } else {
        summary = fmt::format("ICMP type {} code {}", header.type, header.code);
    }
    if (message.quoted) {
        // The quoted datagram names what the error is about; its ports are its first 4 bytes.
        const auto& quoted = *message.quoted;
        json about = {{"src", quoted.header.source.to_string()},
                      {"dst", quoted.header.destination.to_string()},
                      {"protocol", ip_protocol_name(quoted.header.protocol)}};
        std::string ports_from, ports_to;
        bool ports = (quoted.header.protocol == ip_protocol::kUdp || quoted.header.protocol == ip_protocol::kTcp) &&
                     quoted.leading_payload.size() >= 4;
        if (ports) {
            auto source_port = quoted.leading_payload[0] << 8 | quoted.leading_payload[1];
            auto destination_port = quoted.leading_payload[2] << 8 | quoted.leading_payload[3];
            about["src_port"] = source_port;
            about["dst_port"] = destination_port;
            ports_from = fmt::format(":{}", source_port);
            ports_to = fmt::format(":{}", destination_port);
        }
        summary += fmt::format(" for {}{} → {}{} {}", quoted.header.source.to_string(), ports_from,
                               quoted.header.destination.to_string(), ports_to, ip_protocol_name(quoted.header.protocol));
        fields[kIcmpFields["about"]] = std::move(about);
    }
    if (!message.checksum_valid) summary += " BAD checksum";
    return kIcmpFields.layer(std::move(summary), std::move(fields));
}

// A transport checksum: "offloaded" when the kernel never finished it, else right or wrong.
std::string transport_checksum(const Ipv4Packet& packet, CaptureFacts facts, std::uint16_t field) {
    if (facts.checksum_not_ready) return "offloaded";
    if (packet.header.is_fragment()) return "unchecked";  // it covers the reassembled datagram
    if (field == 0 && packet.header.protocol == ip_protocol::kUdp) return "none";
    bool valid = ipv4_transport_checksum(packet.header.source, packet.header.destination, packet.header.protocol,
                                         packet.payload) == 0;
    return valid ? "valid" : "bad";
}

Layer udp_layer(const UdpDatagram& datagram, const Ipv4Packet& packet, CaptureFacts facts) {
    auto checksum = transport_checksum(packet, facts, datagram.header.checksum);
    json fields = {{kUdpFields["src_port"], datagram.header.source_port},
                   {kUdpFields["dst_port"], datagram.header.destination_port},
                   {kUdpFields["length"], datagram.payload.size()},
                   {kUdpFields["checksum"], checksum}};
    auto summary = fmt::format("UDP {} → {} len {}", datagram.header.source_port, datagram.header.destination_port,
                               datagram.payload.size());
    if (checksum == "bad") summary += " BAD checksum";
    return kUdpFields.layer(std::move(summary), std::move(fields));
}

Layer tcp_layer(const TcpSegment& segment, const Ipv4Packet& packet, CaptureFacts facts) {
    const auto& header = segment.header;
    auto checksum = transport_checksum(packet, facts, header.checksum);
    json flags = json::array();
    for (auto flag : {tcp_flag::kSyn, tcp_flag::kFin, tcp_flag::kRst, tcp_flag::kPsh, tcp_flag::kAck, tcp_flag::kUrg,
                      tcp_flag::kEce, tcp_flag::kCwr}) {
        if (header.has(flag)) flags.push_back(tcp_flag_names(flag));
    }
    json fields = {{kTcpFields["src_port"], header.source_port},
                   {kTcpFields["dst_port"], header.destination_port},
                   {kTcpFields["flags"], std::move(flags)},
                   {kTcpFields["seq"], header.sequence},
                   {kTcpFields["window"], header.window},
                   {kTcpFields["length"], segment.payload.size()},
                   {kTcpFields["checksum"], checksum}};
    auto summary = fmt::format("TCP {} → {} [{}] seq {}", header.source_port, header.destination_port,
                               tcp_flag_names(header.flags), header.sequence);
    if (header.has(tcp_flag::kAck)) {
        fields[kTcpFields["ack"]] = header.acknowledgment;
        summary += fmt::format(" ack {}", header.acknowledgment);
    }
    summary += fmt::format(" win {}", header.window);
    if (segment.options) {
        const auto& options = *segment.options;
        if (options.maximum_segment_size) {
            fields[kTcpFields["mss"]] = *options.maximum_segment_size;
            summary += fmt::format(" mss {}", *options.maximum_segment_size);
        }
        if (options.window_scale) {
            fields[kTcpFields["wscale"]] = *options.window_scale;
            summary += fmt::format(" wscale {}", *options.window_scale);
        }
        if (options.sack_permitted) {
            fields[kTcpFields["sack_permitted"]] = true;
            summary += " sackOK";
        }
        if (!options.sack.empty()) {
            fields[kTcpFields["sack_blocks"]] = options.sack.size();
            summary += fmt::format(" sack {}", options.sack.size());
        }
        if (options.timestamp_value) {
            fields[kTcpFields["tsval"]] = *options.timestamp_value;
            fields[kTcpFields["tsecr"]] = options.timestamp_echo.value_or(0);
        }
    } else {
        fields[kTcpFields["options_error"]] = segment.options.error().to_string();
        summary += " (bad options: " + segment.options.error().what + ")";
    }
    summary += fmt::format(" len {}", segment.payload.size());
    if (checksum == "bad") summary += " BAD checksum";
    return kTcpFields.layer(std::move(summary), std::move(fields));
}

}  // namespace

std::vector<Layer> describe_frame(Bytes frame, CaptureFacts facts) {
    std::vector<Layer> layers;
    auto decoded = decode_frame(frame);
    if (!decoded) {
        layers.push_back(malformed_layer("Ethernet", decoded.error().to_string()));
        return layers;
    }
    layers.push_back(ethernet_layer(decoded->ethernet.header));
    if (decoded->arp) layers.push_back(arp_layer(*decoded->arp));
    if (decoded->ipv4) {
        layers.push_back(ipv4_layer(*decoded->ipv4));
        if (decoded->icmp) layers.push_back(icmp_layer(*decoded->icmp));
        if (decoded->udp) layers.push_back(udp_layer(*decoded->udp, *decoded->ipv4, facts));
        if (decoded->tcp) layers.push_back(tcp_layer(*decoded->tcp, *decoded->ipv4, facts));
        // OSPF (protocol 89) and IGMP (2) ride on IP itself, so they are read here rather
        // than by a flow's application decoder; a fragment's piece is not a packet to read.
        const auto& header = decoded->ipv4->header;
        if (header.protocol == ip_protocol::kOspf && !header.is_fragment()) {
            layers.push_back(ospf_layer(decoded->ipv4->payload));
        }
        if (header.protocol == ip_protocol::kIgmp && !header.is_fragment()) {
            layers.push_back(igmp_layer(decoded->ipv4->payload));
        }
    }
    if (decoded->error) {
        const auto& [layer, error] = *decoded->error;
        layers.push_back(malformed_layer(layer, error.to_string()));
    }
    return layers;
}

}  // namespace emu::trace
