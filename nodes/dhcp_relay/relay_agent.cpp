#include "nodes/dhcp_relay/relay_agent.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace emu::dhcp {

using wire::DhcpMessage;
using wire::Ipv4Address;
namespace option = wire::dhcp_option;

bool RelayAgent::serves_clients_on(const std::string& interface) const {
    const auto& list = config_.client_interfaces;
    return std::find(list.begin(), list.end(), interface) != list.end();
}

RelayDecision RelayAgent::handle(DhcpMessage message, const RelayInterface& arrived,
                                 const std::vector<RelayInterface>& interfaces) const {
    if (message.op == DhcpMessage::kBootRequest) return request(std::move(message), arrived);
    return reply(std::move(message), interfaces);
}

RelayDecision RelayAgent::request(DhcpMessage message, const RelayInterface& arrived) const {
    if (!serves_clients_on(arrived.name)) {
        return {{}, "relay.drop.not_a_client_link", fmt::format("request on {} xid=0x{:08x}", arrived.name, message.xid)};
    }
    // RFC 1542 §4.1.1: count ourselves; a request that went round too many relays stops here.
    if (message.hops > config_.max_hops) {
        return {{}, "relay.drop.hops", fmt::format("hops {} xid=0x{:08x}", message.hops, message.xid)};
    }
    ++message.hops;
    // The first relay says where the client is (giaddr) and on which circuit (option 82); a
    // request another relay already stamped goes on as it is (RFC 3046 §2.1).
    if (message.relay_address == Ipv4Address{}) {
        message.relay_address = arrived.address;
        if (message.find(option::kRelayAgentInformation) == nullptr) {
            std::vector<std::uint8_t> circuit(arrived.name.begin(), arrived.name.end());
            message.set(option::kRelayAgentInformation,
                        wire::make_relay_agent_information({{wire::relay_agent_suboption::kCircuitId, circuit}}));
        }
    }
    RelayDecision decision;
    for (const auto& server : config_.servers) {
        RelayedMessage out;
        out.message = message;
        out.kind = RelayedMessage::Kind::to_server;
        out.server = server;
        decision.send.push_back(std::move(out));
    }
    decision.event = "relay.request";
    decision.detail = fmt::format("{} from {} on {} to {} server(s) xid=0x{:08x}",
                                  message.message_type() ? wire::to_string(*message.message_type()) : "BOOTP",
                                  message.client_mac().to_string(), arrived.name, config_.servers.size(), message.xid);
    return decision;
}

RelayDecision RelayAgent::reply(DhcpMessage message, const std::vector<RelayInterface>& interfaces) const {
    // The reply names the link by giaddr: one of our client links.
    auto link = std::find_if(interfaces.begin(), interfaces.end(), [&](const RelayInterface& interface) {
        return interface.address == message.relay_address && serves_clients_on(interface.name);
    });
    if (message.relay_address == Ipv4Address{} || link == interfaces.end()) {
        return {{}, "relay.drop.not_ours", fmt::format("reply for giaddr {} xid=0x{:08x}", message.relay_address.to_string(),
                                                       message.xid)};
    }
    // RFC 3046 §2.2: the option is for us and the server, never for the client.
    message.erase(option::kRelayAgentInformation);
    RelayedMessage out;
    out.kind = RelayedMessage::Kind::to_client;
    out.ifindex = link->ifindex;
    out.source = link->address;
    out.delivery = wire::client_delivery(message);
    auto type = message.message_type();
    auto detail = fmt::format("{} for {} onto {} xid=0x{:08x}", type ? wire::to_string(*type) : "BOOTP",
                              message.client_mac().to_string(), link->name, message.xid);
    out.message = std::move(message);
    return {{std::move(out)}, "relay.reply", std::move(detail)};
}

}  // namespace emu::dhcp
