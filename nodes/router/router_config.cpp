#include "nodes/router/router_config.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace emu::router {
namespace {

using nlohmann::json;

wire::Ipv4Prefix interface_address(const json& value, const std::string& where) {
    auto prefix = wire::IpPrefix::parse(value.is_string() ? value.get<std::string>() : std::string());
    if (!prefix || !prefix->address.is_v4()) throw std::invalid_argument(where + ": not an IPv4 address/length");
    return wire::Ipv4Prefix{prefix->address.v4(), prefix->length};
}

Duration seconds(const json& rip, const char* key, Duration fallback) {
    auto found = rip.find(key);
    if (found == rip.end()) return fallback;
    if (!found->is_number() || found->get<double>() <= 0 || !std::isfinite(found->get<double>())) {
        throw std::invalid_argument(std::string("rip.") + key + ": not a positive number of seconds");
    }
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(found->get<double>()));
}

std::vector<std::string> names(const json& rip, const char* key) {
    std::vector<std::string> list;
    auto found = rip.find(key);
    if (found == rip.end()) return list;
    if (!found->is_array()) throw std::invalid_argument(std::string("rip.") + key + ": not a list of interfaces");
    for (const auto& item : *found) {
        if (!item.is_string()) throw std::invalid_argument(std::string("rip.") + key + ": not a list of interfaces");
        list.push_back(item.get<std::string>());
    }
    return list;
}

// A whole number in [low, high] at `key` of `object`, or `fallback` when it is not there.
std::uint32_t whole(const json& object, const char* key, std::uint32_t fallback, std::uint32_t low, std::uint32_t high,
                    const std::string& where) {
    auto found = object.find(key);
    if (found == object.end()) return fallback;
    if (!found->is_number_integer() || found->get<std::int64_t>() < static_cast<std::int64_t>(low) ||
        found->get<std::int64_t>() > static_cast<std::int64_t>(high)) {
        throw std::invalid_argument(where + "." + key + ": not a whole number from " + std::to_string(low) + " to " +
                                    std::to_string(high));
    }
    return static_cast<std::uint32_t>(found->get<std::int64_t>());
}

OspfConfig ospf_config(const json& ospf, const std::vector<RouterInterface>& addresses) {
    if (!ospf.is_object()) throw std::invalid_argument("ospf: not a map");
    OspfConfig config;
    auto router_id = wire::Ipv4Address::parse(ospf.value("router_id", std::string()));
    if (!router_id) throw std::invalid_argument("ospf.router_id: not an IPv4 address");
    config.router_id = *router_id;
    config.retransmit_interval = std::chrono::seconds(whole(ospf, "retransmit", 5, 1, 3600, "ospf"));
    config.min_ls_interval = std::chrono::milliseconds(whole(ospf, "min_ls_interval_ms", 5000, 0, 60000, "ospf"));
    config.min_ls_arrival = std::chrono::milliseconds(whole(ospf, "min_ls_arrival_ms", 1000, 0, 60000, "ospf"));
    auto interfaces = ospf.find("interfaces");
    if (interfaces == ospf.end() || !interfaces->is_array()) throw std::invalid_argument("ospf.interfaces: missing");
    for (const auto& item : *interfaces) {
        if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) {
            throw std::invalid_argument("ospf.interfaces: each needs a name");
        }
        OspfInterfaceConfig port;
        port.name = item["name"].get<std::string>();
        auto address = std::find_if(addresses.begin(), addresses.end(),
                                    [&](const RouterInterface& interface) { return interface.name == port.name; });
        if (address == addresses.end()) throw std::invalid_argument("ospf.interfaces: no interface " + port.name);
        port.address = address->address;
        const auto where = "ospf.interfaces." + port.name;
        const auto network = item.value("network", std::string("broadcast"));
        if (network != "broadcast" && network != "point-to-point") {
            throw std::invalid_argument(where + ".network: broadcast or point-to-point");
        }
        port.type = network == "broadcast" ? OspfNetworkType::broadcast : OspfNetworkType::point_to_point;
        port.cost = static_cast<std::uint16_t>(whole(item, "cost", 10, 1, 65535, where));
        port.priority = static_cast<std::uint8_t>(whole(item, "priority", 1, 0, 255, where));
        port.hello_interval = static_cast<std::uint16_t>(whole(item, "hello", 10, 1, 65535, where));
        port.dead_interval = whole(item, "dead", 4u * port.hello_interval, 1, 0x7fffffff, where);
        port.mtu = static_cast<std::uint16_t>(whole(item, "mtu", 1500, 576, 65535, where));
        if (auto passive = item.find("passive"); passive != item.end()) {
            if (!passive->is_boolean()) throw std::invalid_argument(where + ".passive: not true or false");
            port.passive = passive->get<bool>();
        }
        config.interfaces.push_back(std::move(port));
    }
    return config;
}

}  // namespace

RouterConfig router_config_from_json(const json& json_config) {
    RouterConfig config;
    auto interfaces = json_config.find("interfaces");
    if (interfaces == json_config.end() || !interfaces->is_array()) throw std::invalid_argument("interfaces: missing");
    for (const auto& item : *interfaces) {
        if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) {
            throw std::invalid_argument("interfaces: each needs a name");
        }
        auto name = item["name"].get<std::string>();
        config.interfaces.push_back({name, interface_address(item.value("address", json()), "interfaces." + name)});
    }
    if (auto routes = json_config.find("static_routes"); routes != json_config.end()) {
        if (!routes->is_array()) throw std::invalid_argument("static_routes: not a list");
        for (const auto& item : *routes) {
            if (!item.is_object()) throw std::invalid_argument("static_routes: each is a map of to, via and metric");
            StaticRouteConfig route;
            auto to = wire::Ipv4Prefix::parse(item.value("to", std::string()));
            if (!to) throw std::invalid_argument("static_routes.to: not an IPv4 network");
            auto via = wire::Ipv4Address::parse(item.value("via", std::string()));
            if (!via) throw std::invalid_argument("static_routes.via: not an IPv4 address");
            route.destination = to->network();
            route.gateway = *via;
            route.metric = whole(item, "metric", 0, 0, 0xffffffff, "static_routes");
            config.static_routes.push_back(route);
        }
    }
    auto rip = json_config.find("rip");
    if (rip != json_config.end() && !rip->is_null()) {
        if (!rip->is_object()) throw std::invalid_argument("rip: not a map");
        RipConfig rip_config;
        auto on = names(*rip, "interfaces");
        auto passive = names(*rip, "passive");
        for (const auto& interface : config.interfaces) {
            if (!on.empty() && std::find(on.begin(), on.end(), interface.name) == on.end()) continue;
            const bool is_passive = std::find(passive.begin(), passive.end(), interface.name) != passive.end();
            rip_config.interfaces.push_back({interface.name, interface.address, is_passive});
        }
        for (const auto& name : on) {
            if (std::none_of(config.interfaces.begin(), config.interfaces.end(),
                             [&](const RouterInterface& interface) { return interface.name == name; })) {
                throw std::invalid_argument("rip.interfaces: no interface " + name);
            }
        }
        rip_config.timers.update = seconds(*rip, "update", rip_config.timers.update);
        rip_config.timers.timeout = seconds(*rip, "timeout", rip_config.timers.timeout);
        rip_config.timers.garbage = seconds(*rip, "garbage", rip_config.timers.garbage);
        if (auto poisoned = rip->find("poisoned_reverse"); poisoned != rip->end()) {
            if (!poisoned->is_boolean()) throw std::invalid_argument("rip.poisoned_reverse: not true or false");
            rip_config.poisoned_reverse = poisoned->get<bool>();
        }
        config.rip = std::move(rip_config);
    }
    auto ospf = json_config.find("ospf");
    if (ospf != json_config.end() && !ospf->is_null()) config.ospf = ospf_config(*ospf, config.interfaces);
    return config;
}

std::vector<RibRoute> usable_static_routes(const std::vector<StaticRouteConfig>& routes,
                                           const std::vector<RouterInterface>& interfaces,
                                           const std::set<std::string>& usable) {
    std::vector<RibRoute> offered;
    for (const auto& route : routes) {
        auto by = std::find_if(interfaces.begin(), interfaces.end(), [&](const RouterInterface& interface) {
            return usable.contains(interface.name) && interface.address.contains(route.gateway);
        });
        if (by == interfaces.end()) continue;
        offered.push_back(RibRoute{route.destination, RouteSource::static_route, route.metric, {{route.gateway, by->name}}});
    }
    return offered;
}

}  // namespace emu::router
