#include "emud/trace/dns_decoder.hpp"
#include "emud/trace/layer_fields.hpp"

#include <fmt/format.h>

#include "lib/wire/ipv4.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace wire;

// A name as patterns write it: without the root's trailing dot ("www.example.com").
std::string name_text(const DnsName& name) {
    auto text = name.to_string();
    if (text.size() > 1) text.pop_back();
    return text;
}

// A record's data in a few words: an address, a name, "10 mail.example.com" …
std::string data_text(const DnsRecord& record) {
    return std::visit(
        [&](const auto& value) -> std::string {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, Ipv4Address> || std::is_same_v<T, Ipv6Address>) {
                return value.to_string();
            } else if constexpr (std::is_same_v<T, DnsName>) {
                return name_text(value);
            } else if constexpr (std::is_same_v<T, DnsMx>) {
                return fmt::format("{} {}", value.preference, name_text(value.exchange));
            } else if constexpr (std::is_same_v<T, DnsSrv>) {
                return fmt::format("{} {} {} {}", value.priority, value.weight, value.port, name_text(value.target));
            } else if constexpr (std::is_same_v<T, DnsSoa>) {
                return fmt::format("{} {} {}", name_text(value.primary), name_text(value.responsible), value.serial);
            } else if constexpr (std::is_same_v<T, DnsText>) {
                std::string text;
                for (const auto& string : value.strings) {
                    text += (text.empty() ? "\"" : " \"") + string + "\"";
                }
                return text;
            } else if constexpr (std::is_same_v<T, std::vector<DnsOption>>) {
                return fmt::format("{} options", value.size());
            } else {
                return fmt::format("{} bytes", value.size());
            }
        },
        record.data);
}

json records_json(const std::vector<DnsRecord>& records) {
    json list = json::array();
    for (const auto& record : records) {
        list.push_back({{"name", name_text(record.name)},
                        {"type", dns_type_name(record.type)},
                        {"ttl", record.ttl},
                        {"data", data_text(record)}});
    }
    return list;
}

Layer malformed(const WireError& error) {
    return malformed_layer("DNS", error.to_string());
}

}  // namespace

Layer dns_layer(const DnsMessage& message, std::size_t size, const char* transport) {
    const auto& header = message.header;
    std::string qname = message.questions.empty() ? "" : name_text(message.questions[0].name);
    std::string qtype = message.questions.empty() ? "" : dns_type_name(message.questions[0].type);
    json answers = json::array();
    for (const auto& record : message.answers) answers.push_back(data_text(record));
    json fields = {{kDnsFields["message"], header.response ? "response" : "query"},
                   {kDnsFields["id"], fmt::format("0x{:04x}", header.id)},
                   {kDnsFields["opcode"], header.opcode},
                   {kDnsFields["rcode"], dns_rcode_name(header.rcode)},
                   {kDnsFields["aa"], header.authoritative},
                   {kDnsFields["tc"], header.truncated},
                   {kDnsFields["rd"], header.recursion_desired},
                   {kDnsFields["ra"], header.recursion_available},
                   {kDnsFields["qname"], qname},
                   {kDnsFields["qtype"], qtype},
                   {kDnsFields["questions"], message.questions.size()},
                   {kDnsFields["answers"], answers},
                   {kDnsFields["answer_records"], records_json(message.answers)},
                   {kDnsFields["authority_records"], records_json(message.authorities)},
                   {kDnsFields["additional_count"], message.additionals.size()},
                   {kDnsFields["transport"], transport},
                   {kDnsFields["size"], size}};
    if (auto edns = message.edns()) fields[kDnsFields["edns_size"]] = edns->udp_payload_size;

    auto summary = fmt::format("DNS {} {} {}", header.response ? "response" : "query", qtype, qname);
    if (header.response) {
        if (header.rcode != dns_rcode::kNoError) summary += " " + dns_rcode_name(header.rcode);
        std::string listed;
        for (std::size_t i = 0; i < message.answers.size() && i < 4; ++i) {
            const auto& record = message.answers[i];
            auto data = data_text(record);
            // The question's own type goes without its name: "→ 10.0.2.80"; others say theirs.
            bool asked = !message.questions.empty() && record.type == message.questions.front().type;
            listed += (listed.empty() ? "" : ", ") + (asked ? data : dns_type_name(record.type) + " " + data);
        }
        if (message.answers.size() > 4) listed += fmt::format(", +{} more", message.answers.size() - 4);
        if (!listed.empty()) summary += " → " + listed;
        if (header.authoritative) summary += " aa";
    }
    if (header.truncated) summary += " TC";
    summary += fmt::format(" id=0x{:04x}", header.id);
    return kDnsFields.layer(std::move(summary), std::move(fields));
}

bool DnsDecoder::serves(std::uint8_t ip_protocol, std::uint16_t server_port) const {
    return (ip_protocol == ip_protocol::kUdp || ip_protocol == ip_protocol::kTcp) && server_port == DnsMessage::kPort;
}

std::vector<Layer> DnsDecoder::datagram(Bytes payload, FlowDirection) {
    auto message = parse_dns(payload);
    if (!message) return {malformed(message.error())};
    return {dns_layer(*message, payload.size(), "UDP")};
}

std::vector<Layer> DnsDecoder::stream(std::vector<std::uint8_t>& buffer, FlowDirection) {
    std::vector<Layer> layers;
    std::size_t at = 0;
    // RFC 1035 §4.2.2: each message after a two-byte length; several may share a segment.
    while (buffer.size() - at >= 2) {
        std::size_t length = std::size_t{buffer[at]} << 8 | buffer[at + 1];
        if (buffer.size() - at - 2 < length) break;
        Bytes bytes(buffer.data() + at + 2, length);
        auto message = parse_dns(bytes);
        layers.push_back(message ? dns_layer(*message, length, "TCP") : malformed(message.error()));
        at += 2 + length;
    }
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(at));
    return layers;
}

}  // namespace emu::trace
