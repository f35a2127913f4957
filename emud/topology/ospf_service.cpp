#include "emud/topology/ospf_service.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "emud/topology/services.hpp"

namespace emu::topology {
namespace {

using nlohmann::json;

const std::vector<std::string> kKeys{"router_id",       "hello",          "dead",     "retransmit", "interfaces",
                                     "passive",         "cost",           "priority", "network",    "min_ls_interval",
                                     "min_ls_arrival"};

// Whether an interface's link goes onto a switch (a LAN) rather than straight to another node.
bool on_a_switch(const Lab& lab, const Node& node, const Interface& interface) {
    for (const auto& link : lab.links) {
        for (const auto* end : {&link.a, &link.b}) {
            if (end->node != node.name || end->interface != interface.name) continue;
            const auto& far = end == &link.a ? link.b : link.a;
            const auto* other = lab.find_node(far.node);
            return other != nullptr && other->is_switch();
        }
    }
    return false;
}

}  // namespace

void check_ospf_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics) {
    auto config = service.config.is_null() ? json::object() : service.config;
    auto error = [&](const std::string& pointer, const std::string& message, const std::string& hint = {}) {
        diagnostics.error(service.spot(pointer), message, hint);
    };
    if (!config.is_object()) {
        error("", "`ospf` of '" + node.name + "' must be a map of settings (or empty: `ospf: {}`)",
              "e.g. ospf: {hello: 1, dead: 4}");
        return;
    }
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (std::find(kKeys.begin(), kKeys.end(), it.key()) == kKeys.end()) {
            error("/" + it.key(), "unknown key '" + it.key() + "' in the ospf settings of '" + node.name + "'",
                  suggestion(it.key(), kKeys, "keys"));
        }
    }
    // Whole seconds, as the Hello packet carries them (RFC 2328 §A.3.2).
    auto whole_seconds = [&](const char* key, std::uint32_t fallback, std::uint32_t high) -> std::uint32_t {
        auto value = config.find(key);
        if (value == config.end()) return fallback;
        auto given = seconds_of(*value);
        if (!given || *given < 1 || *given > high || std::floor(*given) != *given) {
            error(std::string("/") + key, "`" + std::string(key) + "` must be a whole number of seconds from 1 to " +
                                              std::to_string(high) + ", not " + shown(*value));
            return fallback;
        }
        return static_cast<std::uint32_t>(*given);
    };
    const auto hello = whole_seconds("hello", 10, 65535);
    const auto dead = whole_seconds("dead", 4 * hello, 0x7fffffff);
    if (dead <= hello) {
        error(config.contains("dead") ? "/dead" : "/hello",
              "OSPF's `dead` interval must be longer than its `hello` interval, or neighbours drop between Hellos",
              "the RFC's are 10 and 40 (four Hellos); e.g. hello: 1, dead: 4");
    }
    const auto retransmit = whole_seconds("retransmit", 5, 3600);
    // MinLSInterval and MinLSArrival (§B), in milliseconds for emu-router; 0 allowed (labs).
    auto milliseconds = [&](const char* key, double fallback) -> long long {
        auto value = config.find(key);
        if (value == config.end()) return std::llround(fallback * 1000);
        auto given = seconds_of(*value);
        if (!given || *given < 0 || *given > 60) {
            error(std::string("/") + key, "`" + std::string(key) + "` must be from 0 to 60 seconds (or 500ms), not " +
                                              shown(*value));
            return std::llround(fallback * 1000);
        }
        return std::llround(*given * 1000);
    };
    json ospf{{"retransmit", retransmit},
              {"min_ls_interval_ms", milliseconds("min_ls_interval", 5)},
              {"min_ls_arrival_ms", milliseconds("min_ls_arrival", 1)}};

    // Which interfaces: listed ones, else every one with an IPv4 address.
    std::vector<const Interface*> chosen;
    auto interface_list = [&](const char* key) {
        std::vector<const Interface*> list;
        auto listed = config.find(key);
        if (listed == config.end()) return list;
        if (!listed->is_array()) {
            error(std::string("/") + key, std::string("`") + key + "` must be a list of the router's interfaces");
            return list;
        }
        for (std::size_t i = 0; i < listed->size(); ++i) {
            const auto& name = (*listed)[i];
            const auto* interface = name.is_string() ? node.find_interface(name.get<std::string>()) : nullptr;
            const auto pointer = std::string("/") + key + "/" + std::to_string(i);
            if (interface == nullptr) {
                error(pointer, "'" + node.name + "' has no interface " + shown(name));
            } else if (interface->ipv4_address() == nullptr) {
                error(pointer, "interface " + interface->name + " of '" + node.name + "' has no static IPv4 address for OSPF");
            } else {
                list.push_back(interface);
            }
        }
        return list;
    };
    chosen = interface_list("interfaces");
    if (!config.contains("interfaces")) {
        for (const auto& interface : node.interfaces) {
            if (interface.ipv4_address() != nullptr && interface.name != "lo") chosen.push_back(&interface);
        }
    }
    auto passive = interface_list("passive");
    // Per-interface settings: one value for all, or a map by interface.
    auto per_interface = [&](const char* key) {
        std::map<std::string, json> values;
        auto given = config.find(key);
        if (given == config.end()) return values;
        if (given->is_object()) {
            for (auto it = given->begin(); it != given->end(); ++it) {
                if (node.find_interface(it.key()) == nullptr) {
                    error(std::string("/") + key + "/" + pointer_token(it.key()), "'" + node.name + "' has no interface '" + it.key() + "'");
                }
                values[it.key()] = it.value();
            }
        } else {
            for (const auto* interface : chosen) values[interface->name] = *given;
        }
        return values;
    };
    auto costs = per_interface("cost");
    auto priorities = per_interface("priority");
    auto networks = per_interface("network");
    // One value for every interface is reported once, not once per interface.
    std::set<std::string> reported;
    auto error_once = [&](const std::string& pointer, const std::string& message) {
        if (reported.insert(pointer).second) error(pointer, message);
    };
    json interfaces = json::array();
    for (const auto* interface : chosen) {
        json port{{"name", interface->kernel_name}, {"hello", hello}, {"dead", dead}};
        if (interface->mtu) port["mtu"] = *interface->mtu;  // else the veth's 1500
        port["passive"] = std::find(passive.begin(), passive.end(), interface) != passive.end();
        const auto where = [&](const char* key) {
            return std::string("/") + key + (config[key].is_object() ? "/" + pointer_token(interface->name) : "");
        };
        if (auto cost = costs.find(interface->name); cost != costs.end()) {
            if (!cost->second.is_number_integer() || cost->second.get<std::int64_t>() < 1 ||
                cost->second.get<std::int64_t>() > 65535) {
                error_once(where("cost"), "an OSPF cost is a whole number from 1 to 65535, not " + shown(cost->second));
            } else {
                port["cost"] = cost->second;
            }
        }
        if (auto priority = priorities.find(interface->name); priority != priorities.end()) {
            if (!priority->second.is_number_integer() || priority->second.get<std::int64_t>() < 0 ||
                priority->second.get<std::int64_t>() > 255) {
                error_once(where("priority"), "an OSPF priority is a whole number from 0 (never DR) to 255, not " +
                                             shown(priority->second));
            } else {
                port["priority"] = priority->second;
            }
        }
        // A link straight to another node is point-to-point; one onto a switch, a LAN (§1.2).
        std::string network = on_a_switch(lab, node, *interface) ? "broadcast" : "point-to-point";
        if (auto type = networks.find(interface->name); type != networks.end()) {
            if (type->second != "broadcast" && type->second != "point-to-point") {
                error_once(where("network"), "an OSPF network is broadcast or point-to-point, not " + shown(type->second));
            } else {
                network = type->second.get<std::string>();
            }
        }
        port["network"] = network;
        interfaces.push_back(std::move(port));
    }
    ospf["interfaces"] = interfaces;

    // The router ID: as given, else the highest IPv4 address among the router's interfaces
    // (a common vendor rule; FRR prefers a loopback's), so that it is stable across runs.
    wire::Ipv4Address router_id;
    if (auto given = config.find("router_id"); given != config.end()) {
        auto parsed = given->is_string() ? wire::Ipv4Address::parse(given->get<std::string>())
                                         : tl::unexpected(std::string("not text"));
        if (!parsed || parsed->value == 0) {
            error("/router_id", "`router_id` is an IPv4 address other than 0.0.0.0, such as 1.1.1.1, not " + shown(*given));
        } else {
            router_id = *parsed;
        }
    } else {
        for (const auto& interface : node.interfaces) {
            if (const auto* address = interface.ipv4_address()) router_id = std::max(router_id, address->prefix.address.v4());
        }
    }
    ospf["router_id"] = router_id.to_string();

    // emu-router's interfaces: every one with an IPv4 address (their networks are connected routes).
    json all = json::array();
    for (const auto& interface : node.interfaces) {
        const auto* address = interface.ipv4_address();
        if (address == nullptr || interface.name == "lo") continue;
        all.push_back({{"name", interface.kernel_name}, {"address", address->prefix.to_string()}});
    }
    service.program_config = {{"interfaces", all}, {"ospf", ospf}};
}

}  // namespace emu::topology
