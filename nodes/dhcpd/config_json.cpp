#include "nodes/dhcpd/config_json.hpp"

#include <stdexcept>

namespace emu::dhcp {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
    throw std::invalid_argument(path + ": " + why);
}

const json& member(const json& object, const std::string& key, const std::string& path) {
    auto it = object.find(key);
    if (it == object.end()) refuse(path + "." + key, "missing");
    return *it;
}

std::string text(const json& value, const std::string& path) {
    if (!value.is_string()) refuse(path, "must be a string");
    return value.get<std::string>();
}

wire::Ipv4Address address(const json& value, const std::string& path) {
    auto parsed = wire::Ipv4Address::parse(text(value, path));
    if (!parsed) refuse(path, parsed.error());
    return *parsed;
}

std::vector<wire::Ipv4Address> addresses(const json& object, const std::string& key, const std::string& path) {
    std::vector<wire::Ipv4Address> list;
    auto it = object.find(key);
    if (it == object.end()) return list;
    if (!it->is_array()) refuse(path + "." + key, "must be a list of IPv4 addresses");
    for (std::size_t i = 0; i < it->size(); ++i) list.push_back(address((*it)[i], path + "." + key + "[" + std::to_string(i) + "]"));
    return list;
}

std::uint32_t seconds(const json& object, const std::string& key, std::uint32_t otherwise, const std::string& path) {
    auto it = object.find(key);
    if (it == object.end()) return otherwise;
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0 || it->get<std::uint64_t>() > 0xffffffffu) {
        refuse(path + "." + key, "must be a number of seconds from 1 to 4294967295");
    }
    return it->get<std::uint32_t>();
}

const json& list(const json& object, const std::string& key, const std::string& path) {
    static const json kEmpty = json::array();
    auto it = object.find(key);
    if (it == object.end()) return kEmpty;
    if (!it->is_array()) refuse(path + "." + key, "must be a list");
    return *it;
}

Subnet subnet_from(const json& value, const std::string& path) {
    if (!value.is_object()) refuse(path, "must be an object");
    Subnet subnet;
    auto prefix = wire::IpPrefix::parse(text(member(value, "subnet", path), path + ".subnet"));
    if (!prefix || !prefix->address.is_v4()) refuse(path + ".subnet", "must be an IPv4 prefix such as 10.0.1.0/24");
    subnet.prefix = prefix->network();
    const auto& pools = list(value, "pools", path);
    for (std::size_t i = 0; i < pools.size(); ++i) {
        auto at = path + ".pools[" + std::to_string(i) + "]";
        if (!pools[i].is_object()) refuse(at, "must be an object with first and last");
        Pool pool{address(member(pools[i], "first", at), at + ".first"), address(member(pools[i], "last", at), at + ".last")};
        if (pool.first.value > pool.last.value) refuse(at, "first " + pool.first.to_string() + " is after last " + pool.last.to_string());
        if (!subnet.contains(pool.first) || !subnet.contains(pool.last)) {
            refuse(at, "the pool must lie inside " + subnet.prefix.to_string());
        }
        subnet.pools.push_back(pool);
    }
    const auto& reservations = list(value, "reservations", path);
    for (std::size_t i = 0; i < reservations.size(); ++i) {
        auto at = path + ".reservations[" + std::to_string(i) + "]";
        if (!reservations[i].is_object()) refuse(at, "must be an object with mac and address");
        auto mac = wire::MacAddress::parse(text(member(reservations[i], "mac", at), at + ".mac"));
        if (!mac) refuse(at + ".mac", mac.error());
        auto reserved = address(member(reservations[i], "address", at), at + ".address");
        if (!subnet.contains(reserved)) refuse(at + ".address", "must lie inside " + subnet.prefix.to_string());
        subnet.reservations.push_back({*mac, reserved});
    }
    if (subnet.pools.empty() && subnet.reservations.empty()) refuse(path, "has neither pools nor reservations");
    subnet.routers = addresses(value, "routers", path);
    subnet.dns_servers = addresses(value, "dns_servers", path);
    if (auto it = value.find("domain_name"); it != value.end()) subnet.domain_name = text(*it, path + ".domain_name");
    subnet.lease_seconds = seconds(value, "lease_seconds", subnet.lease_seconds, path);
    return subnet;
}

}  // namespace

ServerConfig server_config_from_json(const json& value) {
    if (!value.is_object()) refuse("configuration", "must be an object");
    ServerConfig config;
    const auto& subnets = list(value, "subnets", "configuration");
    if (subnets.empty()) refuse("subnets", "at least one subnet is needed");
    for (std::size_t i = 0; i < subnets.size(); ++i) {
        config.subnets.push_back(subnet_from(subnets[i], "subnets[" + std::to_string(i) + "]"));
        for (std::size_t j = 0; j < i; ++j) {
            const auto& earlier = config.subnets[j].prefix;
            const auto& later = config.subnets[i].prefix;
            if (earlier.contains(later.address) || later.contains(earlier.address)) {
                refuse("subnets[" + std::to_string(i) + "]", later.to_string() + " overlaps " + earlier.to_string());
            }
        }
    }
    config.offer_hold_seconds = seconds(value, "offer_hold_seconds", config.offer_hold_seconds, "configuration");
    config.decline_hold_seconds = seconds(value, "decline_hold_seconds", config.decline_hold_seconds, "configuration");
    if (auto it = value.find("authoritative"); it != value.end()) {
        if (!it->is_boolean()) refuse("authoritative", "must be true or false");
        config.authoritative = it->get<bool>();
    }
    return config;
}

json to_json(const ServerConfig& config) {
    json subnets = json::array();
    for (const auto& subnet : config.subnets) {
        json pools = json::array();
        for (const auto& pool : subnet.pools) pools.push_back({{"first", pool.first.to_string()}, {"last", pool.last.to_string()}});
        json reservations = json::array();
        for (const auto& reservation : subnet.reservations) {
            reservations.push_back({{"mac", reservation.mac.to_string()}, {"address", reservation.address.to_string()}});
        }
        auto texts = [](const std::vector<wire::Ipv4Address>& list) {
            json out = json::array();
            for (const auto& address : list) out.push_back(address.to_string());
            return out;
        };
        subnets.push_back({{"subnet", subnet.prefix.to_string()}, {"pools", pools}, {"reservations", reservations},
                           {"routers", texts(subnet.routers)}, {"dns_servers", texts(subnet.dns_servers)},
                           {"domain_name", subnet.domain_name}, {"lease_seconds", subnet.lease_seconds}});
    }
    return {{"subnets", subnets}, {"authoritative", config.authoritative},
            {"offer_hold_seconds", config.offer_hold_seconds}, {"decline_hold_seconds", config.decline_hold_seconds}};
}

}  // namespace emu::dhcp
