#include "emud/topology/rip_service.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "emud/topology/services.hpp"

namespace emu::topology {
namespace {

using nlohmann::json;

const std::vector<std::string> kKeys{"interfaces", "passive", "update", "timeout", "garbage", "poisoned_reverse"};


}  // namespace

void check_rip_service(const Lab& /*lab*/, const Node& node, Service& service, Diagnostics& diagnostics) {
    auto config = service.config.is_null() ? json::object() : service.config;
    auto error = [&](const std::string& pointer, const std::string& message, const std::string& hint = {}) {
        diagnostics.error(service.spot(pointer), message, hint);
    };
    if (!config.is_object()) {
        error("", "`rip` of '" + node.name + "' must be a map of settings (or empty: `rip: {}`)",
              "e.g. rip: {update: 5, timeout: 30, garbage: 20}");
        return;
    }
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (std::find(kKeys.begin(), kKeys.end(), it.key()) == kKeys.end()) {
            error("/" + it.key(), "unknown key '" + it.key() + "' in the rip settings of '" + node.name + "'",
                  suggestion(it.key(), kKeys, "keys"));
        }
    }
    // Every interface with an IPv4 address is the router's; RIP runs on those listed (all by default).
    json interfaces = json::array();
    for (const auto& interface : node.interfaces) {
        const auto* address = interface.ipv4_address();
        if (address == nullptr || interface.name == "lo") continue;
        interfaces.push_back({{"name", interface.kernel_name}, {"address", address->prefix.to_string()}});
    }
    json rip = json::object();
    for (const char* key : {"interfaces", "passive"}) {
        auto listed = config.find(key);
        if (listed == config.end()) continue;
        if (!listed->is_array()) {
            error(std::string("/") + key, std::string("`") + key + "` must be a list of the router's interfaces");
            continue;
        }
        json names = json::array();
        for (std::size_t i = 0; i < listed->size(); ++i) {
            const auto& name = (*listed)[i];
            const auto* interface = name.is_string() ? node.find_interface(name.get<std::string>()) : nullptr;
            if (interface == nullptr) {
                error(std::string("/") + key + "/" + std::to_string(i), "'" + node.name + "' has no interface " + shown(name));
            } else if (interface->ipv4_address() == nullptr) {
                error(std::string("/") + key + "/" + std::to_string(i),
                      "interface " + interface->name + " of '" + node.name + "' has no static IPv4 address for RIP");
            } else {
                names.push_back(interface->kernel_name);
            }
        }
        rip[key] = names;
    }
    // RFC 2453 §3.8's timers, in seconds; a lab shortens them to converge in seconds.
    std::map<std::string, double> timers{{"update", 30}, {"timeout", 180}, {"garbage", 120}};
    for (auto& [key, seconds] : timers) {
        auto value = config.find(key);
        if (value == config.end()) continue;
        auto given = seconds_of(*value);
        if (!given || !std::isfinite(*given) || *given < 0.1 || *given > 86400) {
            error("/" + key, "`" + key + "` must be a number of seconds from 0.1 to 86400 (or 500ms, 2.5s), not " +
                                 shown(*value));
            continue;
        }
        seconds = *given;
        rip[key] = seconds;
    }
    if (timers["timeout"] <= timers["update"]) {
        error(config.contains("timeout") ? "/timeout" : "/update",
              "RIP's `timeout` must be longer than its `update` period, or routes time out between updates",
              "the RFC's are 30 and 180 (six updates); e.g. update: 5, timeout: 30, garbage: 20");
    }
    if (auto poisoned = config.find("poisoned_reverse"); poisoned != config.end()) {
        if (!poisoned->is_boolean()) {
            error("/poisoned_reverse", "`poisoned_reverse` is true or false, not " + shown(*poisoned));
        } else {
            rip["poisoned_reverse"] = *poisoned;
        }
    }
    service.program_config = {{"interfaces", interfaces}, {"rip", rip}};
}

}  // namespace emu::topology
