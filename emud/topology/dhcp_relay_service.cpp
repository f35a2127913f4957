#include "emud/topology/dhcp_relay_service.hpp"

#include <algorithm>

#include "emud/topology/services.hpp"

namespace emu::topology {
namespace {

using nlohmann::json;
using wire::Ipv4Address;

const std::vector<std::string> kKeys{"servers", "interfaces", "max_hops"};

}  // namespace

void check_dhcp_relay_service(const Lab& /*lab*/, const Node& node, Service& service, Diagnostics& diagnostics) {
    const auto& config = service.config;
    auto error = [&](const std::string& pointer, const std::string& message, const std::string& hint = {}) {
        diagnostics.error(service.spot(pointer), message, hint);
    };
    if (!config.is_object()) {
        error("", "`dhcp-relay` of '" + node.name + "' must be a map of settings", "e.g. dhcp-relay: {servers: [10.0.2.2]}");
        return;
    }
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (std::find(kKeys.begin(), kKeys.end(), it.key()) == kKeys.end()) {
            error("/" + it.key(), "unknown key '" + it.key() + "' in the dhcp-relay settings of '" + node.name + "'",
                  suggestion(it.key(), kKeys, "keys"));
        }
    }
    // Servers: one address or a list.
    std::vector<Ipv4Address> servers;
    auto servers_value = config.find("servers");
    if (servers_value == config.end()) {
        error("", "dhcp-relay on '" + node.name + "' needs its `servers`", "e.g. servers: [10.0.2.2]");
        return;
    }
    auto items = servers_value->is_array() ? *servers_value : json::array({*servers_value});
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto pointer = servers_value->is_array() ? "/servers/" + std::to_string(i) : std::string("/servers");
        auto address = items[i].is_string() ? Ipv4Address::parse(items[i].get<std::string>())
                                            : tl::unexpected(std::string());
        if (!address) {
            error(pointer, "a DHCP server must be an IPv4 address, not " + shown(items[i]));
            continue;
        }
        servers.push_back(*address);
    }
    if (servers.empty()) return;

    // The client links: as listed, or every interface whose subnet holds none of the servers.
    auto on_server_subnet = [&](const InterfaceAddress& address) {
        return std::any_of(servers.begin(), servers.end(),
                           [&](Ipv4Address server) { return address.prefix.contains(wire::IpAddress(server)); });
    };
    json interfaces = json::array();
    if (auto listed = config.find("interfaces"); listed != config.end()) {
        if (!listed->is_array()) {
            error("/interfaces", "`interfaces` must be a list of the router's interfaces with clients behind them");
            return;
        }
        for (std::size_t i = 0; i < listed->size(); ++i) {
            auto pointer = "/interfaces/" + std::to_string(i);
            const auto& name = (*listed)[i];
            const auto* interface = name.is_string() ? node.find_interface(name.get<std::string>()) : nullptr;
            if (interface == nullptr) {
                error(pointer, "'" + node.name + "' has no interface " + shown(name));
                continue;
            }
            if (interface->ipv4_address() == nullptr) {
                error(pointer, "interface " + interface->name + " of '" + node.name +
                                   "' has no static IPv4 address to relay from (it becomes giaddr)");
                continue;
            }
            interfaces.push_back(interface->kernel_name);
        }
    } else {
        for (const auto& interface : node.interfaces) {
            const auto* address = interface.ipv4_address();
            if (address != nullptr && !on_server_subnet(*address) && interface.name != "lo") {
                interfaces.push_back(interface.kernel_name);
            }
        }
        if (interfaces.empty()) {
            error("", "dhcp-relay on '" + node.name + "' has no client link: every interface with an address is on a "
                                                        "server's subnet",
                  "list the client links under `interfaces`");
        }
    }
    auto hops = config.value("max_hops", json(4));
    if (!hops.is_number_integer() || hops.get<std::int64_t>() < 1 || hops.get<std::int64_t>() > 16) {
        error("/max_hops", "`max_hops` must be a number from 1 to 16 (RFC 1542 §4.1.1), not " + shown(hops));
        return;
    }
    json addresses = json::array();
    for (const auto& server : servers) addresses.push_back(server.to_string());
    service.program_config = {{"servers", addresses}, {"interfaces", interfaces}, {"max_hops", hops}};
}

}  // namespace emu::topology
