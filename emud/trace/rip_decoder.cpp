#include "emud/trace/rip_decoder.hpp"
#include "emud/trace/layer_fields.hpp"

#include <fmt/format.h>

#include "lib/wire/ipv4.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace wire;

// How many routes the summary names before it says how many more there are: a full update
// has 25, which is for the fields, not one line.
constexpr std::size_t kRoutesInSummary = 4;

std::string destination(const RipRoute& route) {
    if (auto length = ipv4_mask_length(route.mask)) return fmt::format("{}/{}", route.address.to_string(), *length);
    return fmt::format("{} mask {}", route.address.to_string(), route.mask.to_string());
}

std::string route_text(const RipRoute& route) {
    auto text = destination(route);
    text += route.metric >= kRipInfinity ? " unreachable" : fmt::format(" metric {}", route.metric);
    if (route.next_hop != Ipv4Address{}) text += " via " + route.next_hop.to_string();
    return text;
}

std::string authentication_name(std::uint16_t type) {
    switch (type) {
        case RipAuthentication::kTypePassword: return "password";
        case RipAuthentication::kTypeKeyedMd5: return "keyed-md5";
        default: return "type " + std::to_string(type);
    }
}

}  // namespace

Layer rip_layer(const RipMessage& message) {
    const bool request = message.command == rip_command::kRequest;
    json routes = json::array();
    for (const auto& route : message.routes) {
        json entry = {{"family", route.family},
                      {"address", route.address.to_string()},
                      {"mask", route.mask.to_string()},
                      {"next_hop", route.next_hop.to_string()},
                      {"metric", route.metric},
                      {"tag", route.route_tag}};
        if (auto length = ipv4_mask_length(route.mask)) entry["prefix_length"] = *length;
        routes.push_back(std::move(entry));
    }
    json fields = {{kRipFields["command"], request ? "request" : "response"},
                   {kRipFields["version"], message.version},
                   {kRipFields["routes"], std::move(routes)}};

    auto summary = std::string(message.version == 2 ? "RIP" : fmt::format("RIPv{}", message.version));
    summary += request ? " request" : " response";
    if (message.asks_for_whole_table()) {
        fields[kRipFields["whole_table"]] = true;
        summary += " whole table";
    } else {
        summary += fmt::format(" {} route{}", message.routes.size(), message.routes.size() == 1 ? "" : "s");
        for (std::size_t index = 0; index < message.routes.size() && index < kRoutesInSummary; ++index) {
            summary += (index == 0 ? ": " : ", ") + route_text(message.routes[index]);
        }
        if (message.routes.size() > kRoutesInSummary) {
            summary += fmt::format(" and {} more", message.routes.size() - kRoutesInSummary);
        }
    }
    if (message.authentication) {
        fields[kRipFields["authentication"]] = authentication_name(message.authentication->type);
        summary += " auth=" + authentication_name(message.authentication->type);
    }
    return kRipFields.layer(std::move(summary), std::move(fields));
}

bool RipDecoder::serves(std::uint8_t ip_protocol, std::uint16_t server_port) const {
    return ip_protocol == ip_protocol::kUdp && server_port == RipMessage::kPort;
}

std::vector<Layer> RipDecoder::datagram(Bytes payload, FlowDirection) {
    auto message = parse_rip(payload);
    if (!message) {
        return {malformed_layer("RIP", message.error().to_string())};
    }
    return {rip_layer(*message)};
}

std::vector<Layer> RipDecoder::stream(std::vector<std::uint8_t>& buffer, FlowDirection) {
    buffer.clear();  // RIP has no TCP transport
    return {};
}

}  // namespace emu::trace
