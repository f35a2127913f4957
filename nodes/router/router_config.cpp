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
    return config;
}

}  // namespace emu::router
