#include "nodes/host/agent_config.hpp"

#include <stdexcept>

namespace emu::host {
namespace {

const nlohmann::json& required(const nlohmann::json& json, const char* key) {
    auto it = json.find(key);
    if (it == json.end()) throw std::invalid_argument(std::string("`") + key + "` is missing");
    return *it;
}

}  // namespace

AgentConfig agent_config_from_json(const nlohmann::json& json) {
    if (!json.is_object()) throw std::invalid_argument("the configuration is not a JSON object");
    AgentConfig config;
    const auto& hostname = required(json, "hostname");
    if (!hostname.is_string()) throw std::invalid_argument("`hostname` is not a string");
    config.hostname = hostname.get<std::string>();
    const auto& interfaces = required(json, "dhcp_interfaces");
    if (!interfaces.is_array()) throw std::invalid_argument("`dhcp_interfaces` is not a list");
    for (const auto& interface : interfaces) {
        if (!interface.is_string() || interface.get<std::string>().empty()) {
            throw std::invalid_argument("`dhcp_interfaces` holds something that is not an interface name");
        }
        config.dhcp_interfaces.push_back(interface.get<std::string>());
    }
    if (auto it = json.find("resolv_conf"); it != json.end()) {
        if (!it->is_string()) throw std::invalid_argument("`resolv_conf` is not a path");
        config.resolv_conf = it->get<std::string>();
    }
    if (auto it = json.find("first_retransmit_ms"); it != json.end()) {
        if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0 || it->get<std::uint64_t>() > 64000) {
            throw std::invalid_argument("`first_retransmit_ms` is not a number of milliseconds from 1 to 64000");
        }
        config.first_retransmit = ClientTime(it->get<std::uint64_t>());
    }
    return config;
}

}  // namespace emu::host
