#include "emud/trace/dhcp_decoder.hpp"
#include "emud/trace/layer_fields.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lib/wire/ipv4.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace wire;

std::string hex(const std::vector<std::uint8_t>& bytes) {
    std::string text;
    for (auto byte : bytes) text += fmt::format("{:02x}", byte);
    return text;
}

// A circuit id is usually an interface name; show it as text when it is printable.
std::string printable_or_hex(const std::vector<std::uint8_t>& bytes) {
    bool printable = !bytes.empty() && std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t c) { return c >= 0x20 && c < 0x7f; });
    return printable ? std::string(bytes.begin(), bytes.end()) : hex(bytes);
}

json address_list(const std::vector<Ipv4Address>& addresses) {
    json list = json::array();
    for (const auto& address : addresses) list.push_back(address.to_string());
    return list;
}

std::string joined(const std::vector<Ipv4Address>& addresses) {
    std::string text;
    for (const auto& address : addresses) text += (text.empty() ? "" : ",") + address.to_string();
    return text;
}

}  // namespace

Layer dhcp_layer(const DhcpMessage& message) {
    auto type = message.message_type();
    auto type_name = type ? to_string(*type) : std::string("BOOTP");
    json fields = {{kDhcpFields["type"], type_name},
                   {kDhcpFields["op"], message.op == DhcpMessage::kBootRequest ? "request" : "reply"},
                   {kDhcpFields["xid"], fmt::format("0x{:08x}", message.xid)},
                   {kDhcpFields["chaddr"], message.client_mac().to_string()},
                   {kDhcpFields["ciaddr"], message.client_address.to_string()},
                   {kDhcpFields["yiaddr"], message.your_address.to_string()},
                   {kDhcpFields["siaddr"], message.server_address.to_string()},
                   {kDhcpFields["giaddr"], message.relay_address.to_string()},
                   {kDhcpFields["broadcast"], message.broadcast()},
                   {kDhcpFields["hops"], message.hops},
                   {kDhcpFields["secs"], message.seconds}};
    auto summary = fmt::format("DHCP {} xid=0x{:08x}", type_name, message.xid);
    auto add = [&](const char* key, const std::string& value) { summary += fmt::format(" {}={}", key, value); };

    // What each message is about, in the words of RFC 2131 §3.1 and §4.3.
    auto requested = message.address(dhcp_option::kRequestedAddress);
    auto server = message.address(dhcp_option::kServerIdentifier);
    bool is_reply = message.op == DhcpMessage::kBootReply;
    if (!is_reply) add("chaddr", message.client_mac().to_string());
    if (message.client_address != Ipv4Address{}) add("ciaddr", message.client_address.to_string());
    if (is_reply && message.your_address != Ipv4Address{}) add("yiaddr", message.your_address.to_string());
    if (requested) add("requested", requested->to_string());
    if (server) add("server", server->to_string());
    if (message.relay_address != Ipv4Address{}) {
        add("giaddr", message.relay_address.to_string());
        add("hops", std::to_string(message.hops));
    }
    if (auto lease = message.u32(dhcp_option::kLeaseTime)) add("lease", std::to_string(*lease) + "s");
    if (auto mask = message.address(dhcp_option::kSubnetMask)) {
        fields[kDhcpFields["subnet_mask"]] = mask->to_string();
        add("mask", mask->to_string());
    }
    if (auto routers = message.addresses(dhcp_option::kRouter); !routers.empty()) {
        fields[kDhcpFields["routers"]] = address_list(routers);
        add("router", joined(routers));
    }
    if (auto servers = message.addresses(dhcp_option::kDomainNameServer); !servers.empty()) {
        fields[kDhcpFields["dns_servers"]] = address_list(servers);
        add("dns", joined(servers));
    }
    if (auto text = message.text(dhcp_option::kMessage)) {
        fields[kDhcpFields["message"]] = *text;
        summary += fmt::format(" \"{}\"", *text);
    }
    if (message.broadcast()) summary += " broadcast";

    if (requested) fields[kDhcpFields["requested_ip"]] = requested->to_string();
    if (server) fields[kDhcpFields["server_id"]] = server->to_string();
    if (auto lease = message.u32(dhcp_option::kLeaseTime)) fields[kDhcpFields["lease_time"]] = *lease;
    if (auto t1 = message.u32(dhcp_option::kRenewalTime)) fields[kDhcpFields["renewal_time"]] = *t1;
    if (auto t2 = message.u32(dhcp_option::kRebindingTime)) fields[kDhcpFields["rebinding_time"]] = *t2;
    if (auto address = message.address(dhcp_option::kBroadcastAddress)) {
        fields[kDhcpFields["broadcast_address"]] = address->to_string();
    }
    if (auto name = message.text(dhcp_option::kHostName)) fields[kDhcpFields["hostname"]] = *name;
    if (auto name = message.text(dhcp_option::kDomainName)) fields[kDhcpFields["domain_name"]] = *name;
    if (auto size = message.u16(dhcp_option::kMaximumMessageSize)) fields[kDhcpFields["max_message_size"]] = *size;
    if (const auto* id = message.find(dhcp_option::kClientIdentifier)) fields[kDhcpFields["client_id"]] = hex(id->data);
    if (const auto* list = message.find(dhcp_option::kParameterRequestList)) {
        fields[kDhcpFields["parameter_requests"]] = list->data;
    }
    if (const auto* relay = message.find(dhcp_option::kRelayAgentInformation)) {
        if (auto suboptions = parse_relay_agent_information(relay->data)) {
            for (const auto& suboption : *suboptions) {
                if (suboption.code == relay_agent_suboption::kCircuitId) {
                    fields[kDhcpFields["circuit_id"]] = printable_or_hex(suboption.data);
                    add("circuit-id", printable_or_hex(suboption.data));
                } else if (suboption.code == relay_agent_suboption::kRemoteId) {
                    fields[kDhcpFields["remote_id"]] = printable_or_hex(suboption.data);
                }
            }
        } else {
            fields[kDhcpFields["relay_agent_error"]] = suboptions.error().to_string();
        }
    }
    json codes = json::array();
    for (const auto& option : message.options) codes.push_back(option.code);
    fields[kDhcpFields["options"]] = std::move(codes);
    return kDhcpFields.layer(std::move(summary), std::move(fields));
}

bool DhcpDecoder::serves(std::uint8_t ip_protocol, std::uint16_t server_port) const {
    return ip_protocol == ip_protocol::kUdp &&
           (server_port == DhcpMessage::kServerPort || server_port == DhcpMessage::kClientPort);
}

std::vector<Layer> DhcpDecoder::datagram(Bytes payload, FlowDirection) {
    auto message = parse_dhcp(payload);
    if (!message) {
        return {malformed_layer("DHCP", message.error().to_string())};
    }
    return {dhcp_layer(*message)};
}

std::vector<Layer> DhcpDecoder::stream(std::vector<std::uint8_t>& buffer, FlowDirection) {
    buffer.clear();  // DHCP has no TCP transport
    return {};
}

}  // namespace emu::trace
