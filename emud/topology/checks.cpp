#include "emud/topology/checks.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>

#include "emud/topology/kernel_names.hpp"
#include "emud/topology/services.hpp"
#include "lib/util/sysctl_name.hpp"

namespace emu::topology {
namespace {

constexpr std::size_t kMaxLabNameLength = 32;
constexpr std::size_t kMaxNodeNameLength = 63;  // a DNS label, so that names work in /etc/hosts
constexpr int kMinIpv6Mtu = 1280;               // RFC 8200 §5
constexpr int kDefaultMtu = 1500;               // what the kernel gives a veth

bool is_valid_name(std::string_view name, std::size_t max_length) {
    if (name.empty() || name.size() > max_length || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

}  // namespace

bool is_valid_lab_name(std::string_view name) { return is_valid_name(name, kMaxLabNameLength); }

std::string lab_name_rule() {
    return "use letters, digits, '-' and '_', starting with a letter or digit, at most " +
           std::to_string(kMaxLabNameLength) + " characters";
}

bool is_valid_node_name(std::string_view name) { return is_valid_name(name, kMaxNodeNameLength); }

namespace {

std::string at_line(SourceSpot spot) {
    return spot.line > 0 ? " (line " + std::to_string(spot.line) + ")" : "";
}

void check_names(const Lab& lab, const TopLevelSpots& spots, Diagnostics& diagnostics) {
    if (lab.name.empty()) {
        diagnostics.error(spots.name.line > 0 ? spots.name : SourceSpot{1, 1}, "the lab has no name",
                          "add `name: mylab` at the top of the file, or pass --name");
    } else if (!is_valid_lab_name(lab.name)) {
        // Line 0: a name given with --name is not the file's mistake.
        diagnostics.error(
            spots.name_from_option ? SourceSpot{} : spots.name,
            std::string(spots.name_from_option ? "--name: " : "") + "lab name '" + lab.name + "' is not allowed",
            lab_name_rule());
    }
    if (spots.nodes.line == 0) {
        diagnostics.error({1, 1}, "the topology has no `nodes`", "add the hosts, routers and switches under `nodes:`");
    }
    for (const auto& node : lab.nodes) {
        if (!is_valid_node_name(node.name)) {
            diagnostics.error(node.where, "node name '" + node.name + "' is not allowed",
                              "use letters, digits, '-' and '_', starting with a letter or digit, at most " +
                                  std::to_string(kMaxNodeNameLength) + " characters");
        }
    }
}

// Resolves every endpoint to a node; adds the interfaces that only links name; names
// switch ports; refuses an interface on two links.
std::vector<bool> resolve_links(Lab& lab, Diagnostics& diagnostics) {
    std::vector<std::string> node_names;
    for (const auto& node : lab.nodes) node_names.push_back(node.name);
    std::map<std::pair<std::string, std::string>, SourceSpot> used;
    std::vector<bool> resolved(lab.links.size(), false);
    std::set<std::string> over_limit;  // nodes already reported for too many interfaces

    for (std::size_t index = 0; index < lab.links.size(); ++index) {
        auto& link = lab.links[index];
        bool ok = true;
        for (auto* end : {&link.a, &link.b}) {
            Node* node = lab.find_node(end->node);
            if (node == nullptr) {
                diagnostics.error(end->where, "endpoint '" + end->node + (end->interface.empty() ? "" : ":") +
                                                  end->interface + "' names no node '" + end->node + "'",
                                  suggestion(end->node, node_names, "the nodes are"));
                ok = false;
                continue;
            }
            if (node->is_switch()) {
                if (end->interface.empty()) continue;  // named below
            } else if (end->interface.empty()) {
                diagnostics.error(end->where, "endpoint '" + end->node + "' names no interface of " +
                                                  std::string(to_string(node->kind)) + " '" + end->node + "'",
                                  "write it as " + end->node + ":eth0");
                ok = false;
                continue;
            } else if (end->interface == "lo") {
                diagnostics.error(end->where, "the loopback interface of '" + end->node + "' cannot be on a link",
                                  "use another interface name, like eth0");
                ok = false;
                continue;
            }
            auto [first, inserted] = used.emplace(std::make_pair(end->node, end->interface), end->where);
            if (!inserted) {
                diagnostics.error(end->where, "interface " + end->to_string() + " is on two links",
                                  "it is already used at line " + std::to_string(first->second.line) +
                                      "; an interface has one link — give this one another name, like eth1");
                ok = false;
                continue;
            }
            if (!node->is_switch() && node->find_interface(end->interface) == nullptr) {
                if (node->interfaces.size() >= kMaxInterfacesPerNode) {
                    if (over_limit.insert(end->node).second) {
                        diagnostics.error(end->where, "node '" + end->node + "' has more than " +
                                                          std::to_string(kMaxInterfacesPerNode) + " interfaces");
                    }
                    ok = false;
                    continue;
                }
                Interface implied;
                implied.name = end->interface;
                implied.where = end->where;
                node->interfaces.push_back(std::move(implied));
            }
        }
        if (ok && link.a.node == link.b.node && lab.find_node(link.a.node)->is_switch()) {
            diagnostics.error(link.where, "link joins switch '" + link.a.node + "' to itself",
                              "a switch port looped to the same switch floods every broadcast forever; remove it");
            ok = false;
        }
        resolved[index] = ok;
    }

    // Unnamed switch ports become p1, p2, … in link order, skipping names the user chose.
    std::map<std::string, int> next_port;
    for (std::size_t index = 0; index < lab.links.size(); ++index) {
        if (!resolved[index]) continue;
        auto& link = lab.links[index];
        for (auto* end : {&link.a, &link.b}) {
            if (!end->interface.empty()) continue;
            auto& next = next_port[end->node];
            std::string port;
            do {
                port = "p" + std::to_string(++next);
            } while (used.count({end->node, port}) != 0);
            used.emplace(std::make_pair(end->node, port), end->where);
            end->interface = port;
        }
        if (link.name.empty()) link.name = link.a.to_string() + "--" + link.b.to_string();
    }
    return resolved;
}

void check_unlinked_interfaces(const Lab& lab, Diagnostics& diagnostics) {
    std::set<std::pair<std::string, std::string>> linked;
    for (const auto& link : lab.links) {
        linked.insert({link.a.node, link.a.interface});
        linked.insert({link.b.node, link.b.interface});
    }
    for (const auto& node : lab.nodes) {
        for (const auto& interface : node.interfaces) {
            if (interface.name == "lo" || linked.count({node.name, interface.name}) != 0) continue;
            diagnostics.error(interface.where, "interface " + node.name + ":" + interface.name + " is on no link",
                              "add a link with endpoint " + node.name + ":" + interface.name +
                                  ", or remove the interface");
        }
    }
}

class UnionFind {
public:
    explicit UnionFind(std::size_t size) : parent_(size) { std::iota(parent_.begin(), parent_.end(), 0); }
    std::size_t find(std::size_t x) {
        while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
        return x;
    }
    bool unite(std::size_t a, std::size_t b) {
        a = find(a);
        b = find(b);
        if (a == b) return false;
        parent_[b] = a;
        return true;
    }

private:
    std::vector<std::size_t> parent_;
};

std::size_t index_of(const Lab& lab, const std::string& name) { return lab.node_position(name); }

// A loop of Linux bridges without STP circulates every broadcast frame forever.
void check_switch_loops(const Lab& lab, const std::vector<bool>& resolved, Diagnostics& diagnostics) {
    UnionFind switches(lab.nodes.size());
    for (std::size_t index = 0; index < lab.links.size(); ++index) {
        if (!resolved[index]) continue;
        const auto& link = lab.links[index];
        auto a = index_of(lab, link.a.node);
        auto b = index_of(lab, link.b.node);
        if (!lab.nodes[a].is_switch() || !lab.nodes[b].is_switch()) continue;
        if (switches.unite(a, b)) continue;
        if (lab.nodes[a].stp && lab.nodes[b].stp) continue;
        diagnostics.error(link.where, "this link closes a loop of switches through '" + link.a.node + "' and '" +
                                          link.b.node + "'",
                          "without STP a broadcast frame circles the loop forever: set `stp: true` on every switch "
                          "of the loop, or remove a link");
    }
}

struct Member {
    const Node* node;
    const Interface* interface;
};

// One broadcast domain: a point-to-point link, or switches joined by links and what is on them.
struct Domain {
    std::string description;  // "lan1" or "the link h1:eth0--r1:eth0"
    std::vector<InterfaceAddress> declared;
    std::vector<Member> members;
};

std::vector<Domain> broadcast_domains(const Lab& lab, const std::vector<bool>& resolved) {
    UnionFind switches(lab.nodes.size());
    for (std::size_t index = 0; index < lab.links.size(); ++index) {
        if (!resolved[index]) continue;
        auto a = index_of(lab, lab.links[index].a.node);
        auto b = index_of(lab, lab.links[index].b.node);
        if (lab.nodes[a].is_switch() && lab.nodes[b].is_switch()) switches.unite(a, b);
    }
    std::vector<Domain> domains;
    std::map<std::size_t, std::size_t> domain_of_switch;
    for (std::size_t i = 0; i < lab.nodes.size(); ++i) {
        if (!lab.nodes[i].is_switch()) continue;
        auto root = switches.find(i);
        auto [it, inserted] = domain_of_switch.emplace(root, domains.size());
        if (inserted) domains.push_back(Domain{lab.nodes[i].name, {}, {}});
        auto& domain = domains[it->second];
        domain.declared.insert(domain.declared.end(), lab.nodes[i].subnets.begin(), lab.nodes[i].subnets.end());
    }
    for (std::size_t index = 0; index < lab.links.size(); ++index) {
        if (!resolved[index]) continue;
        const auto& link = lab.links[index];
        auto a = index_of(lab, link.a.node);
        auto b = index_of(lab, link.b.node);
        const Node& node_a = lab.nodes[a];
        const Node& node_b = lab.nodes[b];
        if (!node_a.is_switch() && !node_b.is_switch()) {
            domains.push_back(Domain{"the link " + link.name, {},
                                     {{&node_a, node_a.find_interface(link.a.interface)},
                                      {&node_b, node_b.find_interface(link.b.interface)}}});
            continue;
        }
        if (node_a.is_switch() && node_b.is_switch()) continue;
        const Node& host = node_a.is_switch() ? node_b : node_a;
        const Endpoint& end = node_a.is_switch() ? link.b : link.a;
        auto switch_index = node_a.is_switch() ? a : b;
        domains[domain_of_switch[switches.find(switch_index)]].members.push_back(
            {&host, host.find_interface(end.interface)});
    }
    return domains;
}

// The subnet of a broadcast domain, and where it was written: a switch's `subnet:`, or the
// address of the first member that set it.
struct DomainSubnet {
    wire::IpPrefix prefix;  // a network
    SourceSpot where;
    std::size_t domain;
};

// Checks the members' addresses against the domain's subnets and returns those subnets.
std::vector<DomainSubnet> check_domain_subnets(const Domain& domain, std::size_t index, Diagnostics& diagnostics) {
    std::vector<DomainSubnet> result;
    for (const auto& subnet : domain.declared) result.push_back({subnet.prefix, subnet.where, index});
    for (bool v4 : {true, false}) {
        std::vector<wire::IpPrefix> subnets;
        std::string defined_by;
        for (const auto& subnet : domain.declared) {
            if (subnet.prefix.address.is_v4() == v4) subnets.push_back(subnet.prefix);
        }
        if (!subnets.empty()) defined_by = "declared by `subnet:`";
        for (const auto& member : domain.members) {
            if (member.interface == nullptr) continue;
            std::vector<wire::IpPrefix> own;
            for (const auto& address : member.interface->addresses) {
                if (address.prefix.address.is_v4() == v4) own.push_back(address.prefix);
            }
            if (own.empty()) continue;
            if (subnets.empty()) {
                // The first member with addresses of this family sets the subnet of the domain.
                for (const auto& prefix : own) subnets.push_back(prefix.network());
                for (const auto& address : member.interface->addresses) {
                    if (address.prefix.address.is_v4() == v4)
                        result.push_back({address.prefix.network(), address.where, index});
                }
                defined_by = "set by " + member.node->name + ":" + member.interface->name +
                             at_line(member.interface->where);
                continue;
            }
            for (const auto& address : member.interface->addresses) {
                const auto& prefix = address.prefix;
                if (prefix.address.is_v4() != v4) continue;
                auto inside = std::find_if(subnets.begin(), subnets.end(),
                                           [&](const wire::IpPrefix& s) { return s.contains(prefix.address); });
                std::string owner = member.node->name + ":" + member.interface->name;
                if (inside == subnets.end()) {
                    std::string list;
                    for (const auto& s : subnets) list += (list.empty() ? "" : ", ") + s.to_string();
                    diagnostics.error(address.where,
                                      "address " + prefix.to_string() + " of " + owner + " is outside " + list +
                                          ", the subnet of " + domain.description + " (" + defined_by + ")",
                                      "give " + owner + " an address in " + list +
                                          ", or link it to the LAN it belongs to");
                } else if (inside->length != prefix.length) {
                    diagnostics.error(address.where,
                                      "address " + prefix.to_string() + " of " + owner + " has prefix length /" +
                                          std::to_string(prefix.length) + " but the subnet of " + domain.description +
                                          " is " + inside->to_string() + " (" + defined_by + ")",
                                      "write it as " + prefix.address.to_string() + "/" +
                                          std::to_string(inside->length));
                }
            }
        }
    }
    return result;
}

// A frame larger than the receiver's MTU is dropped by it, so a jumbo MTU facing a small one
// loses exactly the large packets: a lab may want that, so it is a warning.
void check_domain_mtu(const Domain& domain, Diagnostics& diagnostics) {
    const Member* first = nullptr;
    for (const auto& member : domain.members) {
        if (member.interface == nullptr) continue;
        if (first == nullptr) {
            first = &member;
            continue;
        }
        auto mtu_of = [](const Member& m) { return m.interface->mtu.value_or(kDefaultMtu); };
        if (mtu_of(member) == mtu_of(*first)) continue;
        // Placed at an `mtu` that was written: this member's, else the first's (this one has the default).
        const Member& placed = member.interface->mtu ? member : *first;
        const Member& other = member.interface->mtu ? *first : member;
        auto owner = [](const Member& m) { return m.node->name + ":" + m.interface->name; };
        auto other_spot = other.interface->mtu ? other.interface->mtu_where : other.interface->where;
        diagnostics.warning(placed.interface->mtu_where,
                            "MTU " + std::to_string(mtu_of(placed)) + " of " + owner(placed) +
                                " differs from the MTU " + std::to_string(mtu_of(other)) + " of " + owner(other) +
                                at_line(other_spot) + " on " + domain.description,
                            "a frame larger than the smaller MTU is dropped where it arrives: give every interface "
                            "on it the same `mtu` (" +
                                std::to_string(kDefaultMtu) + " when none is given)");
        return;
    }
}

// One prefix that may overlap others: `group` sets apart those that never meet (labs islands).
struct PlacedPrefix {
    wire::IpPrefix prefix;  // a network
    SourceSpot where;
    std::size_t group;
    std::size_t domain;
    std::size_t item;  // what the caller needs to name it
};

bool before_in_file(SourceSpot a, SourceSpot b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
}

// For each prefix inside an earlier one of its group (or equal to it), that pair, found in
// O(n log n) however many there are: sorted by address and length, a network follows every
// network that contains it, and those still open form a stack of nested networks.
std::vector<std::pair<const PlacedPrefix*, const PlacedPrefix*>> overlaps(std::vector<PlacedPrefix>& prefixes) {
    std::sort(prefixes.begin(), prefixes.end(), [](const PlacedPrefix& a, const PlacedPrefix& b) {
        return std::tie(a.group, a.prefix.address, a.prefix.length) <
               std::tie(b.group, b.prefix.address, b.prefix.length);
    });
    std::vector<std::pair<const PlacedPrefix*, const PlacedPrefix*>> found;
    std::vector<const PlacedPrefix*> open;
    for (const auto& prefix : prefixes) {
        while (!open.empty() &&
               (open.back()->group != prefix.group || !open.back()->prefix.contains(prefix.prefix.address))) {
            open.pop_back();
        }
        // Of one domain's own subnets, one inside another breaks nothing between domains.
        auto outer =
            std::find_if(open.rbegin(), open.rend(), [&](const PlacedPrefix* p) { return p->domain != prefix.domain; });
        if (outer != open.rend()) found.emplace_back(*outer, &prefix);
        open.push_back(&prefix);
    }
    return found;
}

std::string overlap_text(const wire::IpPrefix& a, const wire::IpPrefix& b) {
    return a == b ? "is also " + b.to_string() : "overlaps " + b.to_string();
}

// Overlapping subnets break forwarding: a node with two of its interfaces on them cannot tell
// which one reaches an address in both; two LANs or links on them, joined by routers, have
// hosts that take the other's hosts for neighbours and routers that send to one for both.
// Domains that no node joins, even through others, are islands: they may share a subnet.
void check_overlapping_subnets(const Lab& lab, const std::vector<Domain>& domains,
                               const std::vector<DomainSubnet>& subnets, Diagnostics& diagnostics) {
    std::map<const Interface*, std::size_t> domain_of;
    for (std::size_t d = 0; d < domains.size(); ++d) {
        for (const auto& member : domains[d].members) {
            if (member.interface != nullptr) domain_of[member.interface] = d;
        }
    }
    UnionFind joined(domains.size());
    std::set<std::pair<std::size_t, std::size_t>> reported;  // domain pairs
    for (std::size_t n = 0; n < lab.nodes.size(); ++n) {
        const auto& node = lab.nodes[n];
        std::vector<PlacedPrefix> own;
        std::optional<std::size_t> first_domain;
        for (std::size_t i = 0; i < node.interfaces.size(); ++i) {
            auto found = domain_of.find(&node.interfaces[i]);
            if (found == domain_of.end()) continue;
            if (first_domain) joined.unite(*first_domain, found->second);
            first_domain = found->second;
            for (const auto& address : node.interfaces[i].addresses) {
                own.push_back({address.prefix.network(), address.where, 0, found->second, i});
            }
        }
        for (auto [outer, inner] : overlaps(own)) {
            auto [first, second] =
                before_in_file(outer->where, inner->where) ? std::pair(outer, inner) : std::pair(inner, outer);
            reported.insert(std::minmax(first->domain, second->domain));
            const auto& first_interface = node.interfaces[first->item];
            diagnostics.error(second->where,
                              "subnet " + second->prefix.to_string() + " of " + node.name + ":" +
                                  node.interfaces[second->item].name + " " +
                                  overlap_text(second->prefix, first->prefix) + ", the subnet of " + node.name + ":" +
                                  first_interface.name + at_line(first->where) + " on another link",
                              "'" + node.name +
                                  "' cannot tell which interface reaches an address in both: give each "
                                  "link its own subnet");
        }
    }
    std::vector<PlacedPrefix> all;
    for (std::size_t i = 0; i < subnets.size(); ++i) {
        all.push_back({subnets[i].prefix, subnets[i].where, joined.find(subnets[i].domain), subnets[i].domain, i});
    }
    for (auto [outer, inner] : overlaps(all)) {
        if (!reported.insert(std::minmax(outer->domain, inner->domain)).second) continue;
        auto [first, second] =
            before_in_file(outer->where, inner->where) ? std::pair(outer, inner) : std::pair(inner, outer);
        diagnostics.error(second->where,
                          "subnet " + second->prefix.to_string() + " of " + domains[second->domain].description + " " +
                              overlap_text(second->prefix, first->prefix) + ", the subnet of " +
                              domains[first->domain].description + at_line(first->where),
                          "routers between the two cannot tell them apart, and hosts on one take the other's hosts for "
                          "neighbours: give each LAN and link its own subnet");
    }
}

void check_addresses(const Lab& lab, Diagnostics& diagnostics) {
    std::map<wire::IpAddress, std::pair<std::string, SourceSpot>> owners;
    std::map<wire::MacAddress, std::pair<std::string, SourceSpot>> macs;
    for (const auto& node : lab.nodes) {
        for (const auto& interface : node.interfaces) {
            std::string owner = node.name + ":" + interface.name;
            bool has_v6 = false;
            for (const auto& address : interface.addresses) {
                const auto& prefix = address.prefix;
                has_v6 = has_v6 || prefix.address.is_v6();
                if (prefix.address.is_v4() && interface.dhcp) {
                    diagnostics.error(address.where, owner + " has both `dhcp` and the static IPv4 address " +
                                                         prefix.to_string(),
                                      "choose one: DHCP configures the IPv4 address itself");
                }
                if (prefix.address.is_v4() && prefix.length < 31 && prefix.is_network_address()) {
                    diagnostics.error(address.where, prefix.to_string() + " of " + owner +
                                                         " is the network address of its subnet, not a host address",
                                      "pick a host address, like " +
                                          wire::Ipv4Address{prefix.address.v4().value + 1}.to_string() + "/" +
                                          std::to_string(prefix.length));
                } else if (prefix.is_broadcast_address()) {
                    diagnostics.error(address.where, prefix.to_string() + " of " + owner +
                                                         " is the broadcast address of its subnet",
                                      "pick a host address below it");
                } else if (prefix.address.is_v6() && (prefix.address.v6().is_multicast())) {
                    diagnostics.error(address.where, prefix.to_string() + " of " + owner + " is a multicast address");
                }
                auto [first, inserted] = owners.emplace(prefix.address, std::make_pair(owner, address.where));
                if (!inserted) {
                    diagnostics.error(address.where, "address " + prefix.address.to_string() + " of " + owner +
                                                         " is already used by " + first->second.first +
                                                         at_line(first->second.second),
                                      "every interface needs an address of its own");
                }
            }
            if (has_v6 && interface.mtu && *interface.mtu < kMinIpv6Mtu) {
                diagnostics.error(interface.where, "interface " + owner + " has IPv6 addresses and an MTU of " +
                                                       std::to_string(*interface.mtu),
                                  "IPv6 needs an MTU of at least 1280 (RFC 8200 §5)");
            }
            if (interface.mac) {
                auto [first, inserted] = macs.emplace(*interface.mac, std::make_pair(owner, interface.where));
                if (!inserted) {
                    diagnostics.error(interface.where, "MAC " + interface.mac->to_string() + " of " + owner +
                                                           " is already used by " + first->second.first +
                                                           at_line(first->second.second),
                                      "two interfaces with one MAC confuse every switch and ARP cache");
                }
            }
        }
    }
}

// A gateway is a neighbour: it must sit in a subnet the node is directly on.
void check_routes(const Lab& lab, Diagnostics& diagnostics) {
    for (const auto& node : lab.nodes) {
        bool uses_dhcp = std::any_of(node.interfaces.begin(), node.interfaces.end(),
                                     [](const Interface& i) { return i.dhcp; });
        std::vector<wire::IpPrefix> connected;
        std::set<wire::IpAddress> own;
        for (const auto& interface : node.interfaces) {
            for (const auto& address : interface.addresses) {
                connected.push_back(address.prefix);
                own.insert(address.prefix.address);
            }
        }
        std::set<wire::IpPrefix> destinations;
        for (const auto& route : node.routes) {
            std::string what = route.destination.length == 0 ? "gateway " + route.via.to_string()
                                                             : "route to " + route.destination.to_string();
            if (!destinations.insert(route.destination).second) {
                diagnostics.error(route.where, "'" + node.name + "' has two routes to " +
                                                   route.destination.to_string(),
                                  "keep one (a second default route is a second `gateway`)");
                continue;
            }
            if (route.via.is_v6() && route.via.v6().is_link_local()) {
                diagnostics.error(route.where, what + " of '" + node.name + "' uses a link-local next hop",
                                  "use the neighbour's global address; a link-local one needs an interface");
                continue;
            }
            if (own.count(route.via) != 0) {
                diagnostics.error(route.where, what + " of '" + node.name + "' points at its own address",
                                  "the next hop is a neighbour's address, like the router's on this LAN");
                continue;
            }
            bool reachable = std::any_of(connected.begin(), connected.end(),
                                         [&](const wire::IpPrefix& p) { return p.contains(route.via); });
            if (!reachable && !uses_dhcp) {
                std::string list;
                for (const auto& p : connected) {
                    if (p.address.is_v4() == route.via.is_v4()) list += (list.empty() ? "" : ", ") + p.network().to_string();
                }
                diagnostics.error(route.where,
                                  what + " of '" + node.name + "' is not on any subnet of '" + node.name + "'" +
                                      (list.empty() ? "" : " (" + list + ")"),
                                  "a next hop must be a neighbour: an address on one of " + node.name + "'s links");
            }
        }
    }
}

// A sysctl that the kernel does not have, or that cannot be written, fails `up` half-way;
// one that names an interface must name one of the node's, as the kernel calls it.
void check_sysctls(const Lab& lab, const SysctlCatalog& catalog, Diagnostics& diagnostics) {
    for (const auto& node : lab.nodes) {
        for (const auto& sysctl : node.sysctls) {
            auto path = util::sysctl_relative_path(sysctl.key);
            std::vector<std::string> parts;
            for (std::size_t start = 0; start <= path.size();) {
                auto end = std::min(path.find('/', start), path.size());
                parts.push_back(path.substr(start, end - start));
                start = end + 1;
            }
            // net.ipv4.conf.IFACE.*, net.ipv6.neigh.IFACE.*: per interface, and an interface
            // has what `default` has (a new namespace has only lo besides all and default).
            bool per_interface = parts.size() >= 5 && (parts[1] == "ipv4" || parts[1] == "ipv6") &&
                                 (parts[2] == "conf" || parts[2] == "neigh");
            if (per_interface && parts[3] != "all" && parts[3] != "default") {
                const auto& name = parts[3];
                auto by_kernel_name = std::find_if(node.interfaces.begin(), node.interfaces.end(),
                                                   [&](const Interface& i) { return i.kernel_name == name; });
                auto by_name = node.find_interface(name);
                if (name != "lo" && by_kernel_name == node.interfaces.end()) {
                    std::vector<std::string> names;
                    for (const auto& interface : node.interfaces) names.push_back(interface.kernel_name);
                    diagnostics.error(sysctl.where,
                                      "sysctl " + sysctl.key + " names interface '" + name + "', which '" + node.name +
                                          "' does not have",
                                      by_name != nullptr ? "the kernel calls " + name + " " + by_name->kernel_name +
                                                               ": write that name in the sysctl"
                                                         : suggestion(name, names, "its interfaces are"));
                    continue;
                }
                parts[3] = "default";
            }
            std::string checked;
            for (const auto& part : parts) checked += (checked.empty() ? "" : "/") + part;
            switch (catalog.find(checked)) {
                case SysctlCatalog::Entry::missing:
                    diagnostics.error(sysctl.where, "this kernel has no sysctl " + sysctl.key,
                                      "check the name against `sysctl -a`; some come only with their kernel module "
                                      "loaded");
                    break;
                case SysctlCatalog::Entry::read_only:
                    diagnostics.error(sysctl.where, "sysctl " + sysctl.key + " is read-only",
                                      "the kernel sets it; remove it");
                    break;
                case SysctlCatalog::Entry::writable:
                case SysctlCatalog::Entry::unknown:
                    break;
            }
        }
    }
}

}  // namespace

void check_lab(Lab& lab, const TopLevelSpots& spots, const SysctlCatalog& sysctls, Diagnostics& diagnostics) {
    check_names(lab, spots, diagnostics);
    auto resolved = resolve_links(lab, diagnostics);
    check_unlinked_interfaces(lab, diagnostics);
    check_switch_loops(lab, resolved, diagnostics);
    auto domains = broadcast_domains(lab, resolved);
    std::vector<DomainSubnet> subnets;
    for (std::size_t index = 0; index < domains.size(); ++index) {
        auto found = check_domain_subnets(domains[index], index, diagnostics);
        subnets.insert(subnets.end(), found.begin(), found.end());
        check_domain_mtu(domains[index], diagnostics);
    }
    check_overlapping_subnets(lab, domains, subnets, diagnostics);
    check_addresses(lab, diagnostics);
    check_routes(lab, diagnostics);
    assign_kernel_names(lab);
    check_sysctls(lab, sysctls, diagnostics);  // after the kernel names: sysctls name those
    check_services(lab, diagnostics);  // after the kernel names: the programs see those
}

}  // namespace emu::topology
