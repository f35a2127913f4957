#include "emud/topology/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "emud/topology/checks.hpp"
#include "emud/topology/services.hpp"
#include "emud/topology/yaml_document.hpp"
#include "lib/util/byte_size.hpp"
#include "lib/util/files.hpp"
#include "lib/wire/dns.hpp"

namespace emu::topology {
namespace {

const std::vector<std::string> kTopLevelKeys{"name", "description", "capture", "nodes", "links"};
const std::vector<std::string> kCaptureKeys{"ring", "file_limit"};
// What a capture setting may be: a ring below a megabyte holds too few frames to be of use,
// one above 16 GiB is more memory than a lab should take; a pcapng may be as small as a
// test wants.
constexpr std::uint64_t kSmallestRing = 1ull << 20;
constexpr std::uint64_t kLargestRing = 16ull << 30;
constexpr std::uint64_t kSmallestFileLimit = 64ull << 10;
constexpr std::uint64_t kLargestFileLimit = 16ull << 40;
const std::vector<std::string> kNodeKeys{"kind",   "interfaces", "gateway", "routes",     "sysctls",
                                         "exec",   "services",   "nameservers", "search"};
const std::vector<std::string> kSwitchKeys{"kind", "subnet", "stp"};
const std::vector<std::string> kInterfaceKeys{"address", "addresses", "mtu", "mac"};
const std::vector<std::string> kRouteKeys{"to", "via", "metric"};
const std::vector<std::string> kExecKeys{"command", "restart"};
const std::vector<std::string> kLinkKeys{"endpoints", "name"};
const std::vector<std::string> kKinds{"host", "router", "server", "switch"};
const std::vector<std::string> kRestartPolicies{"no", "on-failure", "always"};

std::optional<NodeKind> kind_from(std::string_view text) {
    if (text == "host") return NodeKind::host;
    if (text == "router") return NodeKind::router;
    if (text == "server") return NodeKind::server;
    if (text == "switch") return NodeKind::switch_;
    return std::nullopt;
}

// Reads the YAML tree into the model, checking shapes and single values; the checks that
// need the whole lab come after, in check_lab().
class StructureReader {
public:
    explicit StructureReader(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

    Lab read(const YAML::Node& root, TopLevelSpots& spots) {
        Lab lab;
        if (!root.IsMap()) {
            diagnostics_.error(spot_of(root, {1, 1}), "a topology file is a map with `name`, `nodes` and `links`, not " +
                                                          std::string(type_name(root)),
                               "start from topologies/campus.yaml or `emu gen linear,2`");
            return lab;
        }
        check_keys(root, kTopLevelKeys, "at the top level");
        for (auto it = root.begin(); it != root.end(); ++it) {
            auto key = it->first.Scalar();
            if (key == "name") {
                spots.name = spot_of(it->second, spot_of(it->first));
                if (auto name = scalar(it->second, "the lab's `name`", spots.name)) lab.name = *name;
            } else if (key == "description") {
                scalar(it->second, "`description`", spot_of(it->first));
            } else if (key == "capture") {
                read_capture(it->second, spot_of(it->first), lab.capture);
            } else if (key == "nodes") {
                spots.nodes = spot_of(it->first);
                read_nodes(it->second, spots.nodes, lab);
            } else if (key == "links") {
                spots.links = spot_of(it->first);
                read_links(it->second, spots.links, lab);
            }
        }
        return lab;
    }

private:
    // Reports unknown and repeated keys of a map; yaml-cpp keeps both copies of a repeated key.
    void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, std::string_view context) {
        std::map<std::string, SourceSpot> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            auto where = spot_of(it->first);
            if (!it->first.IsScalar()) {
                diagnostics_.error(where, "a key must be a single word, not " + std::string(type_name(it->first)));
                continue;
            }
            const auto& key = it->first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                diagnostics_.error(where, "unknown key '" + key + "' " + std::string(context),
                                   suggestion(key, allowed, "allowed keys"));
            } else if (auto [first, inserted] = seen.emplace(key, where); !inserted) {
                diagnostics_.error(where, "key '" + key + "' appears twice " + std::string(context),
                                   "the first is at line " + std::to_string(first->second.line) + "; keep one");
            }
        }
    }

    std::optional<std::string> scalar(const YAML::Node& node, std::string_view what, SourceSpot fallback) {
        if (!node.IsScalar()) {
            diagnostics_.error(spot_of(node, fallback), std::string(what) + " must be a single value, not " +
                                                            std::string(type_name(node)));
            return std::nullopt;
        }
        return node.Scalar();
    }

    std::optional<long long> integer(const YAML::Node& node, std::string_view what, SourceSpot fallback,
                                     long long low, long long high) {
        auto text = scalar(node, what, fallback);
        if (!text) return std::nullopt;
        long long value = 0;
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
        if (ec != std::errc{} || end != text->data() + text->size() || value < low || value > high) {
            diagnostics_.error(spot_of(node, fallback),
                               std::string(what) + " must be a whole number from " + std::to_string(low) + " to " +
                                   std::to_string(high) + ", not '" + *text + "'");
            return std::nullopt;
        }
        return value;
    }

    std::optional<bool> boolean(const YAML::Node& node, std::string_view what, SourceSpot fallback) {
        auto text = scalar(node, what, fallback);
        if (!text) return std::nullopt;
        if (*text == "true") return true;
        if (*text == "false") return false;
        diagnostics_.error(spot_of(node, fallback), std::string(what) + " must be true or false, not '" + *text + "'");
        return std::nullopt;
    }

    // A size in bytes with its unit, within [low, high].
    std::optional<std::uint64_t> byte_size(const YAML::Node& node, std::string_view what, SourceSpot fallback,
                                           std::uint64_t low, std::uint64_t high) {
        auto text = scalar(node, what, fallback);
        if (!text) return std::nullopt;
        auto bytes = util::parse_byte_size(*text);
        if (!bytes || *bytes < low || *bytes > high) {
            diagnostics_.error(spot_of(node, fallback),
                               fmt::format("{} must be a size from {} to {}, not '{}'", what, util::format_byte_size(low),
                                           util::format_byte_size(high), *text),
                               "a whole number with a unit: 64MiB, 500MB, 2GiB");
            return std::nullopt;
        }
        return bytes;
    }

    void read_capture(const YAML::Node& body, SourceSpot where, CaptureSettings& capture) {
        capture.where = where;
        if (!body.IsMap()) {
            diagnostics_.error(spot_of(body, where), "`capture` must be a map of settings, not " +
                                                         std::string(type_name(body)),
                               "for example: capture: {ring: 64MiB, file_limit: 1GiB}");
            return;
        }
        check_keys(body, kCaptureKeys, "in `capture`");
        if (auto ring = body["ring"]) {
            if (auto bytes = byte_size(ring, "`capture.ring`", where, kSmallestRing, kLargestRing)) capture.ring_bytes = *bytes;
        }
        if (auto limit = body["file_limit"]) {
            if (auto bytes = byte_size(limit, "`capture.file_limit`", where, kSmallestFileLimit,
                                       kLargestFileLimit)) {
                capture.file_limit_bytes = *bytes;
            }
        }
    }

    void read_nodes(const YAML::Node& nodes, SourceSpot where, Lab& lab) {
        if (!nodes.IsMap()) {
            diagnostics_.error(spot_of(nodes, where), "`nodes` must be a map from node name to node, not " +
                                                          std::string(type_name(nodes)),
                               "for example:\n      nodes:\n        h1: {kind: host}");
            return;
        }
        std::map<std::string, SourceSpot> seen;
        for (auto it = nodes.begin(); it != nodes.end(); ++it) {
            auto name_where = spot_of(it->first);
            if (!it->first.IsScalar()) {
                diagnostics_.error(name_where, "a node name must be a single word");
                continue;
            }
            const auto& name = it->first.Scalar();
            if (auto [first, inserted] = seen.emplace(name, name_where); !inserted) {
                diagnostics_.error(name_where, "duplicate node name '" + name + "'",
                                   "'" + name + "' is already defined at line " + std::to_string(first->second.line) +
                                       "; node names are unique in a lab");
                continue;
            }
            lab.nodes.push_back(read_node(name, name_where, it->second));
        }
    }

    Node read_node(const std::string& name, SourceSpot where, const YAML::Node& body) {
        Node node;
        node.name = name;
        node.where = where;
        if (body.IsNull()) return node;  // `h1:` alone is a host with nothing configured
        if (!body.IsMap()) {
            diagnostics_.error(spot_of(body, where), "node '" + name + "' must be a map of its settings, not " +
                                                         std::string(type_name(body)),
                               "for example: " + name + ": {kind: host}");
            return node;
        }
        if (auto kind_node = body["kind"]) {
            if (auto text = scalar(kind_node, "`kind`", where)) {
                if (auto kind = kind_from(*text)) {
                    node.kind = *kind;
                } else {
                    std::string hint = (*text == "bridge" || *text == "lan" || *text == "hub")
                                           ? "a LAN is `kind: switch`"
                                           : suggestion(*text, kKinds, "kinds");
                    diagnostics_.error(spot_of(kind_node, where), "unknown kind '" + *text + "' for node '" + name + "'",
                                       hint);
                }
            }
        }
        auto allowed = node.is_switch() ? kSwitchKeys : kNodeKeys;
        if (node.is_switch() && body["interfaces"]) {
            // The common mistake gets its own message instead of "unknown key".
            allowed.push_back("interfaces");
            diagnostics_.error(spot_of(body["interfaces"], where), "switch '" + name + "' has no interfaces of its own",
                               "a switch is a LAN: give addresses to the interfaces of the hosts on it, and set "
                               "`subnet:` on the switch to have them checked");
        }
        check_keys(body, allowed, "in node '" + name + "'");
        for (auto it = body.begin(); it != body.end(); ++it) {
            if (!it->first.IsScalar()) continue;
            const auto& key = it->first.Scalar();
            auto key_where = spot_of(it->first);
            const YAML::Node value = it->second;  // a handle: `it->second` lives in a temporary
            if (node.is_switch()) {
                if (key == "subnet") read_subnets(value, key_where, node);
                if (key == "stp") node.stp = boolean(value, "`stp`", key_where).value_or(false);
                continue;
            }
            if (key == "interfaces") read_interfaces(value, key_where, node);
            if (key == "gateway") read_gateway(value, key_where, node);
            if (key == "nameservers") read_nameservers(value, key_where, node);
            if (key == "search") read_search(value, key_where, node);
            if (key == "routes") read_routes(value, key_where, node);
            if (key == "sysctls") read_sysctls(value, key_where, node);
            if (key == "exec") read_exec(value, key_where, node);
            if (key == "services") read_services(value, key_where, node);
        }
        return node;
    }

    void read_subnets(const YAML::Node& value, SourceSpot where, Node& node) {
        auto read_one = [&](const YAML::Node& item) {
            auto text = scalar(item, "a subnet", where);
            if (!text) return;
            auto prefix = wire::IpPrefix::parse(*text);
            if (!prefix) {
                diagnostics_.error(spot_of(item, where), "bad subnet of switch '" + node.name + "': " + prefix.error(),
                                   "write a network like 10.0.1.0/24");
            } else if (!prefix->is_network_address()) {
                diagnostics_.error(spot_of(item, where), "subnet " + *text + " of switch '" + node.name +
                                                             "' has host bits set",
                                   "did you mean " + prefix->network().to_string() + "?");
            } else {
                node.subnets.push_back({*prefix, spot_of(item, where)});
            }
        };
        if (value.IsSequence()) {
            for (const auto& item : value) read_one(item);
        } else {
            read_one(value);
        }
    }

    void read_interfaces(const YAML::Node& value, SourceSpot where, Node& node) {
        if (!value.IsMap()) {
            diagnostics_.error(spot_of(value, where), "`interfaces` of '" + node.name +
                                                          "' must be a map from interface name to its addresses",
                               "for example:\n      interfaces:\n        eth0: 10.0.1.10/24");
            return;
        }
        std::map<std::string, SourceSpot> seen;
        for (auto it = value.begin(); it != value.end(); ++it) {
            auto name_where = spot_of(it->first);
            if (!it->first.IsScalar() || it->first.Scalar().empty()) {
                diagnostics_.error(name_where, "an interface name must be a single word");
                continue;
            }
            const auto& name = it->first.Scalar();
            if (auto [first, inserted] = seen.emplace(name, name_where); !inserted) {
                diagnostics_.error(name_where, "interface '" + name + "' of '" + node.name + "' is listed twice",
                                   "the first is at line " + std::to_string(first->second.line) + "; keep one");
                continue;
            }
            if (node.interfaces.size() == kMaxInterfacesPerNode) {
                diagnostics_.error(name_where, fmt::format("node '{}' has more than {} interfaces", node.name,
                                                           kMaxInterfacesPerNode));
                break;
            }
            Interface interface;
            interface.name = name;
            interface.declared = true;
            interface.where = name_where;
            read_interface(it->second, node, interface);
            node.interfaces.push_back(std::move(interface));
        }
    }

    // An interface is written as nothing, one address, a list of addresses, or a map.
    void read_interface(const YAML::Node& value, const Node& node, Interface& interface) {
        const std::string owner = node.name + ":" + interface.name;
        if (value.IsNull()) return;
        if (value.IsScalar() || value.IsSequence()) {
            read_addresses(value, owner, interface);
            return;
        }
        if (!value.IsMap()) return;
        check_keys(value, kInterfaceKeys, "in interface " + owner);
        if (value["address"] && value["addresses"]) {
            diagnostics_.error(spot_of(value["addresses"], interface.where),
                               "interface " + owner + " has both `address` and `addresses`",
                               "put every address in `addresses: [...]`");
        }
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!it->first.IsScalar()) continue;
            const auto& key = it->first.Scalar();
            auto key_where = spot_of(it->first);
            if (key == "address") {
                if (it->second.IsScalar()) {
                    read_addresses(it->second, owner, interface);
                } else {
                    scalar(it->second, "`address` of " + owner, key_where);
                }
            } else if (key == "addresses") {
                if (it->second.IsSequence()) {
                    read_addresses(it->second, owner, interface);
                } else {
                    diagnostics_.error(spot_of(it->second, key_where), "`addresses` of " + owner + " must be a list",
                                       "for example: addresses: [10.0.1.10/24, 2001:db8:1::10/64]");
                }
            } else if (key == "mtu") {
                // 68 is the IPv4 minimum (RFC 791); 65535 is what a veth takes at most.
                if (auto mtu = integer(it->second, "`mtu` of " + owner, key_where, 68, 65535)) {
                    interface.mtu = static_cast<int>(*mtu);
                    interface.mtu_where = spot_of(it->second, key_where);
                }
            } else if (key == "mac") {
                read_mac(it->second, key_where, owner, interface);
            }
        }
    }

    void read_mac(const YAML::Node& value, SourceSpot where, const std::string& owner, Interface& interface) {
        auto text = scalar(value, "`mac` of " + owner, where);
        if (!text) return;
        auto mac = wire::MacAddress::parse(*text);
        if (!mac) {
            diagnostics_.error(spot_of(value, where), "bad `mac` of " + owner + ": " + mac.error());
        } else if (mac->is_multicast()) {
            diagnostics_.error(spot_of(value, where), "`mac` of " + owner + " is a group (multicast) address",
                               "the lowest bit of the first octet must be 0; 02:00:00:00:00:01 is a good start");
        } else {
            interface.mac = *mac;
        }
    }

    void read_addresses(const YAML::Node& value, const std::string& owner, Interface& interface) {
        auto read_one = [&](const YAML::Node& item) {
            auto text = scalar(item, "an address of " + owner, interface.where);
            if (!text) return;
            auto where = spot_of(item, interface.where);
            if (*text == "dhcp") {
                if (interface.dhcp) diagnostics_.error(where, "interface " + owner + " says `dhcp` twice");
                interface.dhcp = true;
                return;
            }
            auto prefix = wire::IpPrefix::parse(*text);
            if (!prefix) {
                diagnostics_.error(where, "bad address of " + owner + ": " + prefix.error(),
                                   "write an address with its prefix length (10.0.1.10/24, 2001:db8:1::10/64) or "
                                   "`dhcp`");
                return;
            }
            interface.addresses.push_back({*prefix, where});
        };
        if (value.IsSequence()) {
            for (const auto& item : value) read_one(item);
        } else {
            read_one(value);
        }
    }

    void read_gateway(const YAML::Node& value, SourceSpot where, Node& node) {
        bool have_v4 = false;
        bool have_v6 = false;
        auto read_one = [&](const YAML::Node& item) {
            auto text = scalar(item, "`gateway` of '" + node.name + "'", where);
            if (!text) return;
            auto item_where = spot_of(item, where);
            auto address = wire::IpAddress::parse(*text);
            if (!address) {
                diagnostics_.error(item_where, "bad `gateway` of '" + node.name + "': " + address.error(),
                                   "a gateway is an address without a prefix length, like 10.0.1.1");
                return;
            }
            bool& have = address->is_v4() ? have_v4 : have_v6;
            if (have) {
                diagnostics_.error(item_where, "'" + node.name + "' has two IPv" +
                                                   std::string(address->is_v4() ? "4" : "6") + " gateways",
                                   "one default gateway per address family");
                return;
            }
            have = true;
            StaticRoute route;
            route.destination = address->is_v4() ? wire::IpPrefix{wire::Ipv4Address{}, 0}
                                                 : wire::IpPrefix{wire::Ipv6Address{}, 0};
            route.via = *address;
            route.where = item_where;
            node.routes.push_back(route);
        };
        if (value.IsSequence()) {
            for (const auto& item : value) read_one(item);
        } else {
            read_one(value);
        }
    }

    // The node's resolv.conf (resolv.conf(5)): the DNS servers its programs ask, and the
    // domains a short name is tried in.
    void read_nameservers(const YAML::Node& value, SourceSpot where, Node& node) {
        auto read_one = [&](const YAML::Node& item) {
            auto text = scalar(item, "a name server of '" + node.name + "'", where);
            if (!text) return;
            auto address = wire::IpAddress::parse(*text);
            if (!address) {
                diagnostics_.error(spot_of(item, where), "bad name server of '" + node.name + "': " + address.error(),
                                   "a name server is an address, like 10.0.2.53");
                return;
            }
            node.nameservers.push_back(*address);
        };
        if (value.IsSequence()) {
            for (const auto& item : value) read_one(item);
        } else {
            read_one(value);
        }
        // resolv.conf(5): the C library reads at most three (MAXNS).
        if (node.nameservers.size() > 3) {
            diagnostics_.error(where, "'" + node.name + "' has " + std::to_string(node.nameservers.size()) +
                                          " name servers", "resolv.conf takes at most three");
        }
    }

    void read_search(const YAML::Node& value, SourceSpot where, Node& node) {
        auto read_one = [&](const YAML::Node& item) {
            auto text = scalar(item, "a search domain of '" + node.name + "'", where);
            if (!text) return;
            if (text->empty() || text->find_first_of(" \t") != std::string::npos || !wire::DnsName::parse(*text)) {
                diagnostics_.error(spot_of(item, where), "search domain '" + *text + "' of '" + node.name +
                                                             "' is not a domain name", "like lab.example");
                return;
            }
            node.search.push_back(*text);
        };
        if (value.IsSequence()) {
            for (const auto& item : value) read_one(item);
        } else {
            read_one(value);
        }
    }

    void read_routes(const YAML::Node& value, SourceSpot where, Node& node) {
        if (!value.IsSequence()) {
            diagnostics_.error(spot_of(value, where), "`routes` of '" + node.name + "' must be a list",
                               "for example:\n      routes:\n        - {to: 10.0.9.0/24, via: 10.0.1.254}");
            return;
        }
        for (const auto& item : value) {
            auto item_where = spot_of(item, where);
            if (!item.IsMap()) {
                diagnostics_.error(item_where, "a route of '" + node.name + "' must be a map with `to` and `via`",
                                   "for example: {to: 10.0.9.0/24, via: 10.0.1.254}");
                continue;
            }
            check_keys(item, kRouteKeys, "in a route of '" + node.name + "'");
            StaticRoute route;
            route.where = item_where;
            bool ok = true;
            if (auto to = item["to"]) {
                auto text = scalar(to, "`to`", item_where);
                if (!text) {
                    ok = false;
                } else if (*text == "default") {
                    route.destination = wire::IpPrefix{wire::Ipv4Address{}, 0};
                } else if (auto prefix = wire::IpPrefix::parse(*text); !prefix) {
                    diagnostics_.error(spot_of(to, item_where), "bad route destination: " + prefix.error(),
                                       "write a network like 10.0.9.0/24, or `default`");
                    ok = false;
                } else if (!prefix->is_network_address()) {
                    diagnostics_.error(spot_of(to, item_where), "route destination " + *text + " has host bits set",
                                       "did you mean " + prefix->network().to_string() + "?");
                    ok = false;
                } else {
                    route.destination = *prefix;
                }
            } else {
                diagnostics_.error(item_where, "a route of '" + node.name + "' has no `to`",
                                   "say which network it reaches: to: 10.0.9.0/24");
                ok = false;
            }
            if (auto via = item["via"]) {
                auto text = scalar(via, "`via`", item_where);
                auto address = text ? wire::IpAddress::parse(*text) : tl::unexpected(std::string{});
                if (!address) {
                    if (text) diagnostics_.error(spot_of(via, item_where), "bad route gateway: " + address.error());
                    ok = false;
                } else {
                    route.via = *address;
                }
            } else {
                diagnostics_.error(item_where, "a route of '" + node.name + "' has no `via`",
                                   "name the next hop: via: 10.0.1.254");
                ok = false;
            }
            if (auto metric = item["metric"]) {
                if (auto value_read = integer(metric, "`metric`", item_where, 0, 4294967295LL)) {
                    route.metric = static_cast<std::uint32_t>(*value_read);
                }
            }
            if (!ok) continue;
            if (route.destination.address.is_v4() != route.via.is_v4()) {
                if (item["to"].Scalar() == "default") {
                    route.destination = wire::IpPrefix{wire::Ipv6Address{}, 0};
                } else {
                    diagnostics_.error(item_where, "route to " + route.destination.to_string() + " goes via " +
                                                       route.via.to_string() + ", an address of the other family");
                    continue;
                }
            }
            node.routes.push_back(route);
        }
    }

    void read_sysctls(const YAML::Node& value, SourceSpot where, Node& node) {
        if (!value.IsMap()) {
            diagnostics_.error(spot_of(value, where), "`sysctls` of '" + node.name + "' must be a map",
                               "for example:\n      sysctls:\n        net.ipv4.icmp_echo_ignore_all: 1");
            return;
        }
        for (auto it = value.begin(); it != value.end(); ++it) {
            auto key_where = spot_of(it->first);
            auto key = scalar(it->first, "a sysctl name", key_where);
            auto setting = scalar(it->second, "the value of a sysctl", key_where);
            if (!key || !setting) continue;
            bool clean = !key->empty() && key->find("..") == std::string::npos &&
                         std::all_of(key->begin(), key->end(), [](char c) {
                             return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
                                    c == '/';
                         });
            if (!clean) {
                diagnostics_.error(key_where, "'" + *key + "' is not a sysctl name",
                                   "sysctl names look like net.ipv4.ip_forward");
                continue;
            }
            // Only the net.* tree is per network namespace; anything else would change the machine.
            if (key->rfind("net.", 0) != 0 && key->rfind("net/", 0) != 0) {
                diagnostics_.error(key_where, "sysctl " + *key + " is not per network namespace",
                                   "only net.* sysctls belong to a node; setting " + *key +
                                       " would change the whole machine");
                continue;
            }
            node.sysctls.push_back(Sysctl{*key, *setting, key_where});
        }
    }

    void read_exec(const YAML::Node& value, SourceSpot where, Node& node) {
        if (!value.IsSequence()) {
            diagnostics_.error(spot_of(value, where), "`exec` of '" + node.name + "' must be a list of commands",
                               "for example:\n      exec:\n        - ping -c1 10.0.1.1");
            return;
        }
        for (const auto& item : value) {
            auto item_where = spot_of(item, where);
            ExecCommand command;
            command.where = item_where;
            if (item.IsScalar()) {
                command.command = item.Scalar();
            } else if (item.IsMap()) {
                check_keys(item, kExecKeys, "in an exec command of '" + node.name + "'");
                if (auto text = item["command"] ? scalar(item["command"], "`command`", item_where) : std::nullopt) {
                    command.command = *text;
                } else if (!item["command"]) {
                    diagnostics_.error(item_where, "an exec entry of '" + node.name + "' has no `command`");
                }
                if (auto restart = item["restart"]) {
                    auto text = scalar(restart, "`restart`", item_where).value_or("");
                    if (text == "no") command.restart = RestartPolicy::never;
                    else if (text == "on-failure") command.restart = RestartPolicy::on_failure;
                    else if (text == "always") command.restart = RestartPolicy::always;
                    else
                        diagnostics_.error(spot_of(restart, item_where), "unknown restart policy '" + text + "'",
                                           suggestion(text, kRestartPolicies, "restart policies"));
                }
            } else {
                diagnostics_.error(item_where, "an exec entry of '" + node.name + "' must be a command line",
                                   "write it as a string: - ping -c1 10.0.1.1");
                continue;
            }
            if (command.command.empty()) {
                if (item.IsScalar()) diagnostics_.error(item_where, "an exec command of '" + node.name + "' is empty");
                continue;
            }
            node.exec.push_back(std::move(command));
        }
    }

    void read_services(const YAML::Node& value, SourceSpot where, Node& node) {
        if (!value.IsMap()) {
            diagnostics_.error(spot_of(value, where), "`services` of '" + node.name +
                                                          "' must be a map from service name to its settings");
            return;
        }
        std::vector<std::string> known;
        for (const auto& service : known_services()) {
            if (service.implied_by == nullptr) known.push_back(service.name);
        }
        for (auto it = value.begin(); it != value.end(); ++it) {
            auto key_where = spot_of(it->first);
            auto name = scalar(it->first, "a service name", key_where);
            if (!name) continue;
            const auto* kind = find_service(*name);
            if (kind == nullptr) {
                diagnostics_.error(key_where, "unknown service '" + *name + "' on '" + node.name + "'",
                                   known.empty() ? "this build knows no services yet"
                                                 : suggestion(*name, known, "services this build knows"));
                continue;
            }
            if (kind->implied_by != nullptr) {
                diagnostics_.error(key_where, "service '" + *name + "' is not written under `services:`",
                                   std::string("emu runs it on every node with ") + kind->implied_by);
                continue;
            }
            if (std::find(kind->node_kinds.begin(), kind->node_kinds.end(), node.kind) == kind->node_kinds.end()) {
                std::string kinds;
                for (auto k : kind->node_kinds) kinds += (kinds.empty() ? "" : ", ") + std::string(to_string(k));
                diagnostics_.error(key_where, "service '" + *name + "' cannot run on " +
                                                  std::string(to_string(node.kind)) + " '" + node.name + "'",
                                   "it runs on: " + kinds);
                continue;
            }
            Service service{*name, {}, key_where, {}, nullptr, {}};
            service.config = to_json(it->second, "", service.spots);
            node.services.push_back(std::move(service));
        }
    }

    // Records where each value was (by JSON pointer), so the service's checks can point at it.
    // Plain scalars become numbers and booleans where they read as one; quoted ones stay text.
    static nlohmann::json to_json(const YAML::Node& node, const std::string& pointer,
                                  std::map<std::string, SourceSpot>& spots) {
        spots[pointer] = spot_of(node);
        switch (node.Type()) {
            case YAML::NodeType::Map: {
                auto object = nlohmann::json::object();
                for (auto it = node.begin(); it != node.end(); ++it) {
                    const auto& key = it->first.Scalar();
                    object[key] = to_json(it->second, pointer + "/" + pointer_token(key), spots);
                }
                return object;
            }
            case YAML::NodeType::Sequence: {
                auto array = nlohmann::json::array();
                for (const auto& item : node) array.push_back(to_json(item, pointer + "/" + std::to_string(array.size()), spots));
                return array;
            }
            case YAML::NodeType::Scalar: {
                const auto& text = node.Scalar();
                if (node.Tag() == "?") {
                    if (text == "true") return true;
                    if (text == "false") return false;
                    long long number = 0;
                    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
                    if (ec == std::errc{} && end == text.data() + text.size()) return number;
                }
                return text;
            }
            default: return nullptr;
        }
    }

    void read_links(const YAML::Node& value, SourceSpot where, Lab& lab) {
        if (!value.IsSequence()) {
            diagnostics_.error(spot_of(value, where), "`links` must be a list, not " + std::string(type_name(value)),
                               "for example:\n      links:\n        - endpoints: [h1:eth0, lan1]");
            return;
        }
        for (const auto& item : value) {
            auto item_where = spot_of(item, where);
            if (!item.IsMap()) {
                diagnostics_.error(item_where, "a link must be a map with `endpoints`",
                                   "for example: - endpoints: [h1:eth0, r1:eth0]");
                continue;
            }
            check_keys(item, kLinkKeys, "in a link");
            Link link;
            link.where = item_where;
            if (auto name = item["name"]) link.name = scalar(name, "the link's `name`", item_where).value_or("");
            auto endpoints = item["endpoints"];
            if (!endpoints) {
                diagnostics_.error(item_where, "a link has no `endpoints`", "for example: endpoints: [h1:eth0, lan1]");
                continue;
            }
            if (!endpoints.IsSequence() || endpoints.size() != 2) {
                diagnostics_.error(spot_of(endpoints, item_where), "a link has exactly two endpoints",
                                   "a LAN with more members is a switch: link each member to it");
                continue;
            }
            bool ok = true;
            Endpoint ends[2];
            for (std::size_t i = 0; i < 2; ++i) {
                auto text = scalar(endpoints[i], "an endpoint", item_where);
                if (!text) {
                    ok = false;
                    continue;
                }
                ends[i].where = spot_of(endpoints[i], item_where);
                auto colon = text->find(':');
                ends[i].node = text->substr(0, colon);
                if (colon != std::string::npos) ends[i].interface = text->substr(colon + 1);
                if (ends[i].node.empty() || (colon != std::string::npos && ends[i].interface.empty())) {
                    diagnostics_.error(ends[i].where, "endpoint '" + *text + "' is not node:interface",
                                       "write it as h1:eth0, or just the switch's name for a switch");
                    ok = false;
                }
            }
            if (!ok) continue;
            link.a = ends[0];
            link.b = ends[1];
            lab.links.push_back(std::move(link));
        }
    }

    Diagnostics& diagnostics_;
};

}  // namespace

LoadResult load_topology(std::string_view yaml_text, const LoadOptions& options) {
    Diagnostics diagnostics;
    if (yaml_text.size() > kMaxTopologyBytes) {
        diagnostics.error({}, "the topology is larger than " + util::size_text(kMaxTopologyBytes));
        return tl::unexpected(std::move(diagnostics));
    }
    auto parsed = parse_yaml_document(yaml_text, "topology", diagnostics);
    if (!parsed) return tl::unexpected(std::move(diagnostics));
    YAML::Node root = *parsed;

    TopLevelSpots spots;
    StructureReader reader(diagnostics);
    Lab lab = reader.read(root, spots);
    lab.index_nodes();
    lab.source_file = options.file_name;
    if (options.lab_name) {
        lab.name = *options.lab_name;
        spots.name_from_option = true;
    }
    if (root.IsMap()) {
        check_lab(lab, spots, options.sysctls != nullptr ? *options.sysctls : running_kernel_sysctls(), diagnostics);
    }
    if (diagnostics.has_errors()) return tl::unexpected(std::move(diagnostics));
    lab.warnings = std::move(diagnostics);
    return lab;
}

tl::expected<std::string, Diagnostic> read_topology_file(const std::filesystem::path& path) {
    auto text = util::read_regular_file(path, kMaxTopologyBytes);
    if (!text) {
        return tl::unexpected(
            Diagnostic{{},
                       "this " + text.error(),
                       "a topology is one YAML file of at most " + util::size_text(kMaxTopologyBytes)});
    }
    return std::move(*text);
}

LoadResult load_topology_file(const std::filesystem::path& path, std::optional<std::string> lab_name) {
    auto text = read_topology_file(path);
    if (!text) {
        Diagnostics diagnostics;
        diagnostics.add(std::move(text.error()));
        return tl::unexpected(std::move(diagnostics));
    }
    return load_topology(*text, LoadOptions{path.string(), std::move(lab_name)});
}

}  // namespace emu::topology
