#include "emud/topology/dhcp_service.hpp"

#include <algorithm>

#include "emud/topology/services.hpp"
#include <charconv>
#include <optional>


namespace emu::topology {
namespace {

using nlohmann::json;
using wire::Ipv4Address;

const std::vector<std::string> kTopKeys{"pool",    "pools",  "reservations", "router",     "routers",      "dns",
                                        "domain",  "lease",  "subnets",      "authoritative", "offer_hold", "decline_hold"};
const std::vector<std::string> kSubnetKeys{"subnet", "pool", "pools", "reservations", "router", "routers",
                                           "dns",    "domain", "lease"};
constexpr std::uint64_t kMaximumLease = 0xfffffffe;  // 0xffffffff means "infinite" (RFC 2132 §9.2)

struct PoolRange {
    Ipv4Address first;
    Ipv4Address last;
    std::string pointer;
};

// Reads one service's settings, reporting each problem where it is.
class DhcpChecker {
public:
    DhcpChecker(const Lab& lab, const Node& node, const Service& service, Diagnostics& diagnostics)
        : lab_(lab), node_(node), service_(service), diagnostics_(diagnostics) {
        for (const auto& interface : node.interfaces) {
            for (const auto& address : interface.addresses) {
                if (address.prefix.address.is_v4()) own_.push_back(address.prefix);
            }
        }
        for (const auto& other : lab.nodes) {
            if (&other == &node) continue;
            for (const auto& interface : other.interfaces) {
                for (const auto& address : interface.addresses) {
                    if (address.prefix.address.is_v4()) {
                        others_.push_back({address.prefix.address.v4(), other.name + ":" + interface.name});
                    }
                }
            }
        }
    }

    json run() {
        const auto& config = service_.config;
        if (!config.is_object()) {
            error("", "`dhcp` of '" + node_.name + "' must be a map of settings",
                  "e.g. dhcp: {pool: 10.0.1.100-10.0.1.199, router: 10.0.1.1}");
            return nullptr;
        }
        if (own_.empty()) {
            error("", "'" + node_.name + "' runs dhcp but has no static IPv4 address to serve from",
                  "give one of its interfaces an address: the server identifier (RFC 2131 §4.3.1)");
            return nullptr;
        }
        auto problems_before = diagnostics_.error_count();
        check_keys(config, "", kTopKeys, "dhcp settings");
        // DNS servers, domain and lease written at the top hold for every subnet that does not say.
        defaults_.dns = addresses(config, "", "dns", nullptr);
        defaults_.domain = domain(config, "");
        defaults_.lease = duration(config, "/lease", "lease");
        json subnets = json::array();
        bool top_level = has_any(config, {"pool", "pools", "reservations"});
        if (top_level) {
            auto prefix = own_subnet_of_first_address(config);
            if (prefix) subnets.push_back(subnet_json(config, "", *prefix, true));
        } else if (has_any(config, {"router", "routers"})) {
            error(first_present(config, {"router", "routers"}), "a router without a pool: whose router is it?",
                  "give this subnet a `pool`, or put the router in an entry of `subnets`");
        }
        if (auto it = config.find("subnets"); it != config.end()) {
            if (!it->is_array()) {
                error("/subnets", "`subnets` must be a list of maps, each with a `subnet` and a `pool`");
            } else {
                for (std::size_t i = 0; i < it->size(); ++i) {
                    auto pointer = "/subnets/" + std::to_string(i);
                    const auto& entry = (*it)[i];
                    if (!entry.is_object()) {
                        error(pointer, "an entry of `subnets` must be a map with a `subnet` and a `pool`");
                        continue;
                    }
                    check_keys(entry, pointer, kSubnetKeys, "subnet settings");
                    auto prefix = subnet_key(entry, pointer);
                    if (prefix) subnets.push_back(subnet_json(entry, pointer, *prefix, false));
                }
            }
        }
        check_overlaps(subnets);
        if (subnets.empty() && diagnostics_.error_count() == problems_before) {  // e.g. `subnets: []`
            error("", "dhcp on '" + node_.name + "' hands out nothing", "give it a `pool` on one of its subnets");
        }
        json result{{"subnets", subnets}};
        if (auto it = config.find("authoritative"); it != config.end()) {
            if (it->is_boolean()) {
                result["authoritative"] = it->get<bool>();
            } else {
                error("/authoritative", "`authoritative` must be true or false");
            }
        }
        if (auto seconds = duration(config, "/offer_hold", "offer_hold")) result["offer_hold_seconds"] = *seconds;
        if (auto seconds = duration(config, "/decline_hold", "decline_hold")) result["decline_hold_seconds"] = *seconds;
        return result;
    }

private:
    void error(const std::string& pointer, const std::string& message, const std::string& hint = {}) {
        diagnostics_.error(service_.spot(pointer), message, hint);
    }

    static bool has_any(const json& object, std::initializer_list<const char*> keys) {
        return std::any_of(keys.begin(), keys.end(), [&](const char* key) { return object.contains(key); });
    }

    static std::string first_present(const json& object, std::initializer_list<const char*> keys) {
        for (const char* key : keys) {
            if (object.contains(key)) return std::string("/") + key;
        }
        return "";
    }

    void check_keys(const json& object, const std::string& pointer, const std::vector<std::string>& allowed,
                    const std::string& what) {
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
                error(pointer + "/" + it.key(), "unknown key '" + it.key() + "' in the " + what + " of '" + node_.name + "'",
                      suggestion(it.key(), allowed, "keys"));
            }
        }
    }

    std::optional<Ipv4Address> address(const json& value, const std::string& pointer, const std::string& what) {
        if (value.is_string()) {
            if (auto parsed = Ipv4Address::parse(value.get<std::string>())) return *parsed;
        }
        error(pointer, what + " must be an IPv4 address, not " + shown(value));
        return std::nullopt;
    }

    // `key` (one address) or `plural` (a list, or one address too).
    std::vector<Ipv4Address> addresses(const json& object, const std::string& pointer, const char* key,
                                       const char* plural) {
        std::vector<Ipv4Address> list;
        for (const char* name : {key, plural}) {
            if (name == nullptr) continue;
            auto it = object.find(name);
            if (it == object.end()) continue;
            auto at = pointer + "/" + name;
            if (it->is_array()) {
                for (std::size_t i = 0; i < it->size(); ++i) {
                    if (auto parsed = address((*it)[i], at + "/" + std::to_string(i), std::string("`") + name + "`")) {
                        list.push_back(*parsed);
                    }
                }
            } else if (auto parsed = address(*it, at, std::string("`") + name + "`")) {
                list.push_back(*parsed);
            }
        }
        return list;
    }

    // "10.0.1.100-10.0.1.199" (spaces around the dash allowed).
    std::optional<PoolRange> pool(const json& value, const std::string& pointer) {
        std::string text = value.is_string() ? value.get<std::string>() : shown(value);
        auto dash = text.find('-');
        auto trim = [](std::string part) {
            part.erase(0, part.find_first_not_of(' '));
            part.erase(part.find_last_not_of(' ') + 1);
            return part;
        };
        if (value.is_string() && dash != std::string::npos) {
            auto first = Ipv4Address::parse(trim(text.substr(0, dash)));
            auto last = Ipv4Address::parse(trim(text.substr(dash + 1)));
            if (first && last) {
                if (first->value > last->value) {
                    error(pointer, "pool " + text + " ends before it starts");
                    return std::nullopt;
                }
                return PoolRange{*first, *last, pointer};
            }
        }
        error(pointer, "a pool is written FIRST-LAST, like 10.0.1.100-10.0.1.199, not " + text);
        return std::nullopt;
    }

    std::vector<PoolRange> pools(const json& object, const std::string& pointer) {
        std::vector<PoolRange> list;
        if (auto it = object.find("pool"); it != object.end()) {
            if (auto range = pool(*it, pointer + "/pool")) list.push_back(*range);
        }
        if (auto it = object.find("pools"); it != object.end()) {
            if (!it->is_array()) {
                error(pointer + "/pools", "`pools` must be a list of FIRST-LAST ranges");
            } else {
                for (std::size_t i = 0; i < it->size(); ++i) {
                    if (auto range = pool((*it)[i], pointer + "/pools/" + std::to_string(i))) list.push_back(*range);
                }
            }
        }
        return list;
    }

    // The subnet of the node's own interface that the first pool or reservation lies in.
    std::optional<wire::IpPrefix> own_subnet_of_first_address(const json& config) {
        std::optional<Ipv4Address> first;
        std::string pointer;
        // Read quietly here: the pools' own mistakes are reported once, with their subnet.
        Diagnostics ignored;
        auto ranges = DhcpChecker(lab_, node_, service_, ignored).pools(config, "");
        if (!ranges.empty()) {
            first = ranges.front().first;
            pointer = ranges.front().pointer;
        } else if (config.contains("pool") || config.contains("pools")) {
            pools(config, "");  // none is right: say why, once
            return std::nullopt;
        } else if (auto it = config.find("reservations"); it != config.end() && it->is_object() && !it->empty()) {
            if (it->begin()->is_string()) first = Ipv4Address::parse(it->begin()->get<std::string>()).value_or(Ipv4Address{});
            pointer = "/reservations";
        }
        if (!first) return std::nullopt;
        for (const auto& prefix : own_) {
            if (prefix.contains(wire::IpAddress(*first))) return prefix.network();
        }
        std::string subnets;
        for (const auto& prefix : own_) subnets += (subnets.empty() ? "" : ", ") + prefix.network().to_string();
        error(pointer, first->to_string() + " is on none of the subnets of '" + node_.name + "' (" + subnets + ")",
              "to serve another subnet through a relay, list it under `subnets:` with its `subnet`");
        return std::nullopt;
    }

    std::optional<wire::IpPrefix> subnet_key(const json& entry, const std::string& pointer) {
        auto it = entry.find("subnet");
        if (it == entry.end()) {
            error(pointer, "an entry of `subnets` needs its `subnet`, like 10.0.3.0/24");
            return std::nullopt;
        }
        if (it->is_string()) {
            auto prefix = wire::IpPrefix::parse(it->get<std::string>());
            if (prefix && prefix->address.is_v4() && prefix->length <= 30) return prefix->network();
        }
        error(pointer + "/subnet", "`subnet` must be an IPv4 prefix of /30 or wider, like 10.0.3.0/24, not " + shown(*it));
        return std::nullopt;
    }

    // A number of seconds, or a number with s, m, h or d.
    std::optional<std::uint64_t> duration(const json& object, const std::string& pointer, const char* key) {
        auto it = object.find(key);
        if (it == object.end()) return std::nullopt;
        std::optional<std::uint64_t> seconds;
        if (it->is_number_unsigned()) {
            seconds = it->get<std::uint64_t>();
        } else if (it->is_string() && !it->get<std::string>().empty()) {
            const auto& text = it->get<std::string>();
            std::uint64_t number = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
            std::string unit(end, text.data() + text.size());
            std::uint64_t scale = unit == "" || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
            if (ec == std::errc{} && end != text.data() && scale != 0 && number <= kMaximumLease / scale) seconds = number * scale;
        }
        if (!seconds || *seconds == 0 || *seconds > kMaximumLease) {
            error(pointer, std::string("`") + key + "` must be a duration from 1 s to about 136 years: 3600, 30s, 10m, 1h or 1d, not " +
                               shown(*it));
            return std::nullopt;
        }
        return seconds;
    }

    // `top`: the subnet written at the top of the settings, whose DNS, domain and lease are the defaults.
    json subnet_json(const json& entry, const std::string& pointer, const wire::IpPrefix& prefix, bool top) {
        auto in_subnet = [&](Ipv4Address address) { return prefix.contains(wire::IpAddress(address)); };
        auto broadcast = prefix.broadcast();
        auto network = prefix.network().address.v4();
        json pools_json = json::array();
        auto ranges = pools(entry, pointer);
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            const auto& range = ranges[i];
            auto text = range.first.to_string() + "-" + range.last.to_string();
            if (!in_subnet(range.first) || !in_subnet(range.last)) {
                error(range.pointer, "pool " + text + " is not inside " + prefix.to_string());
                continue;
            }
            if (range.first.value <= network.value || range.last.value >= broadcast.value) {
                error(range.pointer, "pool " + text + " includes the network or broadcast address of " + prefix.to_string());
                continue;
            }
            for (const auto& own : own_) {
                auto mine = own.address.v4();
                if (range.first.value <= mine.value && mine.value <= range.last.value) {
                    error(range.pointer, "pool " + text + " includes " + mine.to_string() + ", the address of '" +
                                             node_.name + "' itself");
                }
            }
            // Handed out, it would be a second holder of an address in use: a client that
            // checks (RFC 2131 §4.4.1) declines it, one that does not breaks both.
            for (const auto& [address, holder] : others_) {
                if (range.first.value <= address.value && address.value <= range.last.value) {
                    error(range.pointer, "pool " + text + " includes " + address.to_string() + ", the static address of " +
                                             holder,
                          "leave it out of the pool; a node that should get a fixed address by DHCP gets a reservation "
                          "instead: reservations: {MAC: ADDRESS}");
                }
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (ranges[j].first.value <= range.last.value && range.first.value <= ranges[j].last.value) {
                    error(range.pointer, "pool " + text + " overlaps pool " + ranges[j].first.to_string() + "-" +
                                             ranges[j].last.to_string());
                }
            }
            pools_json.push_back({{"first", range.first.to_string()}, {"last", range.last.to_string()}});
        }
        json reservations = json::array();
        if (auto it = entry.find("reservations"); it != entry.end()) {
            auto at = pointer + "/reservations";
            if (!it->is_object()) {
                error(at, "`reservations` must map MAC addresses to IPv4 addresses, like {02:00:00:00:00:10: 10.0.1.10}");
            } else {
                std::vector<Ipv4Address> taken;
                for (auto reservation = it->begin(); reservation != it->end(); ++reservation) {
                    auto spot = at + "/" + reservation.key();
                    auto mac = wire::MacAddress::parse(reservation.key());
                    if (!mac || mac->is_multicast()) {
                        error(spot, "'" + reservation.key() + "' is not a unicast MAC address");
                        continue;
                    }
                    auto reserved = address(reservation.value(), spot, "a reserved address");
                    if (!reserved) continue;
                    if (!in_subnet(*reserved)) {
                        error(spot, reserved->to_string() + " is not inside " + prefix.to_string());
                        continue;
                    }
                    if (std::find(taken.begin(), taken.end(), *reserved) != taken.end()) {
                        error(spot, reserved->to_string() + " is reserved twice");
                        continue;
                    }
                    taken.push_back(*reserved);
                    reservations.push_back({{"mac", mac->to_string()}, {"address", reserved->to_string()}});
                }
            }
        }
        if (pools_json.empty() && reservations.empty() && !entry.contains("pool") && !entry.contains("pools") &&
            !entry.contains("reservations")) {
            error(pointer, "subnet " + prefix.to_string() + " has no `pool` and no `reservations`: it hands out nothing");
        }
        auto routers = addresses(entry, pointer, "router", "routers");
        for (const auto& router : routers) {
            if (!in_subnet(router)) {
                error(first_present(entry, {"router", "routers"}).insert(0, pointer),
                      "router " + router.to_string() + " is not on " + prefix.to_string() + ": its clients could not reach it");
            }
        }
        auto dns = !top && entry.contains("dns") ? addresses(entry, pointer, "dns", nullptr) : defaults_.dns;
        json result{{"subnet", prefix.to_string()}, {"pools", pools_json}, {"reservations", reservations},
                    {"routers", texts(routers)},   {"dns_servers", texts(dns)}};
        auto domain_name = !top && entry.contains("domain") ? domain(entry, pointer) : defaults_.domain;
        if (domain_name) result["domain_name"] = *domain_name;
        auto lease = !top && entry.contains("lease") ? duration(entry, pointer + "/lease", "lease") : defaults_.lease;
        result["lease_seconds"] = lease.value_or(3600);
        return result;
    }

    std::optional<std::string> domain(const json& object, const std::string& pointer) {
        auto it = object.find("domain");
        if (it == object.end()) return std::nullopt;
        if (it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
        error(pointer + "/domain", "`domain` must be a domain name, like campus.example, not " + shown(*it));
        return std::nullopt;
    }

    static json texts(const std::vector<Ipv4Address>& list) {
        json out = json::array();
        for (const auto& address : list) out.push_back(address.to_string());
        return out;
    }

    void check_overlaps(const json& subnets) {
        for (std::size_t i = 0; i < subnets.size(); ++i) {
            auto a = *wire::IpPrefix::parse(subnets[i]["subnet"].get<std::string>());
            for (std::size_t j = 0; j < i; ++j) {
                auto b = *wire::IpPrefix::parse(subnets[j]["subnet"].get<std::string>());
                if (a.contains(b.address) || b.contains(a.address)) {
                    error("/subnets", "subnet " + a.to_string() + " overlaps " + b.to_string() + " in the dhcp of '" +
                                          node_.name + "'");
                }
            }
        }
    }

    struct Defaults {
        std::vector<Ipv4Address> dns;
        std::optional<std::string> domain;
        std::optional<std::uint64_t> lease;
    };

    const Lab& lab_;
    const Node& node_;
    const Service& service_;
    Diagnostics& diagnostics_;
    std::vector<wire::IpPrefix> own_;
    std::vector<std::pair<Ipv4Address, std::string>> others_;  ///< every other node's static IPv4 address, by holder
    Defaults defaults_;
};

}  // namespace

void check_dhcp_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics) {
    DhcpChecker checker(lab, node, service, diagnostics);
    service.program_config = checker.run();
}

}  // namespace emu::topology
