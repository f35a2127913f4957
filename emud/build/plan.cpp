#include "emud/build/plan.hpp"

#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "emud/topology/kernel_names.hpp"

namespace emu::build {
namespace {

using topology::Lab;
using topology::Link;
using topology::Node;

std::string at_line(topology::SourceSpot where) {
    return where.line > 0 ? fmt::format(" (line {})", where.line) : "";
}

bool lab_uses_ipv6(const Lab& lab) {
    for (const auto& node : lab.nodes) {
        for (const auto& interface : node.interfaces) {
            for (const auto& address : interface.addresses) {
                if (address.prefix.address.is_v6()) return true;
            }
        }
    }
    return false;
}

// Every node's name with its static addresses, for /etc/hosts in each node.
std::string lab_hosts_lines(const Lab& lab) {
    std::string lines = fmt::format("# the nodes of lab {}, written by emu\n", lab.name);
    for (const auto& node : lab.nodes) {
        for (const auto& interface : node.interfaces) {
            for (const auto& address : interface.addresses) {
                lines += fmt::format("{}\t{}\n", address.prefix.address.to_string(), node.name);
            }
        }
    }
    return lines;
}

bool has_static_address(const Node& node) {
    for (const auto& interface : node.interfaces) {
        if (!interface.addresses.empty()) return true;
    }
    return false;
}

// Kernel defaults, set explicitly: a new namespace inherits some IPv4 settings from the
// host (net.core.devconf_inherit_init_net), and a lab must behave the same on every machine.
std::vector<SysctlPlan> node_early_sysctls(const Node& node, bool ipv6) {
    std::vector<SysctlPlan> sysctls{
        {"net.ipv4.conf.all.rp_filter", "0", {}},
        {"net.ipv4.conf.default.rp_filter", "0", {}},
        {"net.ipv4.ip_forward", node.kind == topology::NodeKind::router ? "1" : "0", {}},
    };
    if (node.kind == topology::NodeKind::router) {
        // A router treats a link without carrier as down, as router vendors do: Linux keeps
        // routes through it (marked linkdown) and would go on using them, a static route
        // included, while emu-router's RIB has moved on to another way.
        sysctls.push_back({"net.ipv4.conf.all.ignore_routes_with_linkdown", "1", {}});
        sysctls.push_back({"net.ipv4.conf.default.ignore_routes_with_linkdown", "1", {}});
    }
    if (!ipv6) {
        // A lab without IPv6 addresses stays quiet on the wire: no router solicitations,
        // duplicate address detection or MLD reports from link-local addresses.
        sysctls.push_back({"net.ipv6.conf.all.disable_ipv6", "1", {}});
        sysctls.push_back({"net.ipv6.conf.default.disable_ipv6", "1", {}});
    } else if (node.kind == topology::NodeKind::router) {
        sysctls.push_back({"net.ipv6.conf.all.forwarding", "1", {}});
    }
    return sysctls;
}

class Planner {
public:
    Planner(const Lab& lab, const PlanPaths& paths) : lab_(lab), paths_(paths) {}

    LabPlan plan() {
        plan_.lab = lab_.name;
        bool ipv6 = lab_uses_ipv6(lab_);
        if (lab_.has_switches()) add_fabric();
        std::string hosts_lines = lab_hosts_lines(lab_);
        for (const auto& node : lab_.nodes) {
            for (const auto& interface : node.interfaces) {
                if (interface.mac) chosen_macs_.insert(*interface.mac);
            }
        }
        for (const auto& node : lab_.nodes) {
            if (!node.is_switch()) add_node(node, ipv6, hosts_lines);
        }
        for (const auto& node : lab_.nodes) {
            if (node.is_switch()) add_bridge(node);
        }
        for (const auto& link : lab_.links) add_link(link);
        return std::move(plan_);
    }

private:
    NamespacePlan& fabric() { return plan_.namespaces.front(); }

    void add_fabric() {
        NamespacePlan fabric;
        fabric.kind = "fabric";
        fabric.path = paths_.netns_directory / fabric_netns_name(lab_.name);
        // Bridges are layer 2 only: they need no IPv6 of their own, and without it they
        // send nothing onto the lab's links.
        fabric.early_sysctls = {{"net.ipv6.conf.all.disable_ipv6", "1", {}},
                                {"net.ipv6.conf.default.disable_ipv6", "1", {}}};
        plan_.namespaces.push_back(std::move(fabric));
        next_ordinal_.push_back(0);
        // The largest MTU of any interface, for the ports between switches.
        for (const auto& node : lab_.nodes) {
            for (const auto& interface : node.interfaces) trunk_mtu_ = std::max(trunk_mtu_, interface.mtu.value_or(0));
        }
    }

    void add_node(const Node& node, bool ipv6, const std::string& hosts_lines) {
        NamespacePlan space;
        space.node = node.name;
        space.kind = std::string(to_string(node.kind));
        space.where = node.where;
        auto name = node_netns_name(lab_.name, node.name);
        space.path = paths_.netns_directory / name;
        space.etc_directory = paths_.etc_directory / name;
        space.hosts_file = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
        if (!has_static_address(node)) space.hosts_file += fmt::format("127.0.1.1\t{}\n", node.name);
        space.hosts_file += hosts_lines;
        space.resolv_conf = fmt::format("# node {} of lab {}: no DNS server is configured for it\n", node.name,
                                        lab_.name);
        if (!node.nameservers.empty() || !node.search.empty()) {
            space.resolv_conf = fmt::format("# node {} of lab {}, from its `nameservers` and `search`\n", node.name, lab_.name);
            for (const auto& server : node.nameservers) space.resolv_conf += "nameserver " + server.to_string() + "\n";
            if (!node.search.empty()) space.resolv_conf += fmt::format("search {}\n", fmt::join(node.search, " "));
        }
        space.early_sysctls = node_early_sysctls(node, ipv6);
        for (const auto& sysctl : node.sysctls) space.sysctls.push_back({sysctl.key, sysctl.value, sysctl.where});

        std::size_t index = plan_.namespaces.size();
        namespace_of_node_[node.name] = index;
        next_ordinal_.push_back(0);
        for (const auto& interface : node.interfaces) {
            int ordinal = 0;  // lo
            if (interface.name != "lo") {
                ordinal = ++next_ordinal_[index];
                interface_ordinal_[{node.name, interface.name}] = ordinal;
                interface_mac_[{node.name, interface.name}] = interface.mac ? *interface.mac : next_generated_mac();
                if (interface.kernel_name != interface.name) space.aliases.emplace_back(ordinal, interface.name);
            }
            for (const auto& address : interface.addresses) {
                space.addresses.push_back({ordinal, address.prefix,
                                           fmt::format("address {} on {}:{}{}", address.prefix.to_string(),
                                                       node.name, interface.name, at_line(address.where)),
                                           address.where});
            }
        }
        for (const auto& route : node.routes) {
            auto what = route.destination.length == 0
                            ? fmt::format("default route of {} via {}{}", node.name, route.via.to_string(),
                                          at_line(route.where))
                            : fmt::format("route of {} to {} via {}{}", node.name, route.destination.to_string(),
                                          route.via.to_string(), at_line(route.where));
            space.routes.push_back({route.destination, route.via, route.metric, what, route.where});
        }
        plan_.namespaces.push_back(std::move(space));
    }

    void add_bridge(const Node& node) {
        BridgePlan bridge;
        bridge.device.namespace_index = 0;
        bridge.device.ordinal = ++next_ordinal_[0];
        bool usable = topology::is_valid_kernel_name(node.name) && node.name.find('.') == std::string::npos;
        bridge.device.name = usable ? node.name : fmt::format("br{}", bridge.device.ordinal);
        if (!usable) fabric().aliases.emplace_back(bridge.device.ordinal, node.name);
        fabric_names_.insert(bridge.device.name);
        bridge.stp = node.stp;
        bridge.what = fmt::format("bridge for switch {}{}", node.name, at_line(node.where));
        bridge_ordinal_[node.name] = bridge.device.ordinal;
        plan_.bridges.push_back(std::move(bridge));
    }

    // A fabric port is named "<switch>.<port>" when that fits, else "port<N>"; its alias
    // says what is at the other end.
    DevicePlan fabric_port(const topology::Endpoint& end, const topology::Endpoint& other) {
        DevicePlan port;
        port.namespace_index = 0;
        port.ordinal = ++next_ordinal_[0];
        port.master_ordinal = bridge_ordinal_.at(end.node);
        std::string candidate = end.node + "." + end.interface;
        if (!topology::is_valid_kernel_name(candidate) || fabric_names_.count(candidate) != 0) {
            candidate = fmt::format("port{}", port.ordinal);
        }
        fabric_names_.insert(candidate);
        port.name = candidate;
        port.alias = other.to_string();
        fabric().aliases.emplace_back(port.ordinal, port.alias);
        return port;
    }

    DevicePlan node_end(const topology::Endpoint& end) {
        const Node& node = *lab_.find_node(end.node);
        const auto& interface = *node.find_interface(end.interface);
        DevicePlan device;
        device.namespace_index = namespace_of_node_.at(end.node);
        device.name = interface.kernel_name;
        device.ordinal = interface_ordinal_.at({end.node, end.interface});
        device.mtu = interface.mtu;
        device.mac = interface_mac_.at({end.node, end.interface});
        return device;
    }

    // Interfaces without a MAC of the user's get 02:00:00:00:00:01, :02, … in the order of the
    // file (locally administered, IEEE 802 §8.2), skipping any the user chose: the same lab
    // has the same addresses every time, so its traces can be compared run to run.
    wire::MacAddress next_generated_mac() {
        wire::MacAddress mac;
        do {
            ++generated_macs_;
            mac.bytes = {0x02, 0x00, static_cast<std::uint8_t>(generated_macs_ >> 24),
                         static_cast<std::uint8_t>(generated_macs_ >> 16), static_cast<std::uint8_t>(generated_macs_ >> 8),
                         static_cast<std::uint8_t>(generated_macs_)};
        } while (chosen_macs_.count(mac) != 0);
        return mac;
    }

    void add_link(const Link& link) {
        const Node& a = *lab_.find_node(link.a.node);
        const Node& b = *lab_.find_node(link.b.node);
        VethPlan veth;
        veth.where = link.where;
        veth.what = fmt::format("link {} -- {}{}", link.a.to_string(), link.b.to_string(), at_line(link.where));
        if (!a.is_switch() && !b.is_switch()) {
            veth.local = node_end(link.a);
            veth.peer = node_end(link.b);
        } else if (a.is_switch() && b.is_switch()) {
            veth.local = fabric_port(link.a, link.b);
            veth.peer = fabric_port(link.b, link.a);
            veth.local.mtu = veth.peer.mtu = trunk_mtu_ > 0 ? std::optional<int>(trunk_mtu_) : std::nullopt;
            fabric().peer_masters.emplace_back(veth.peer.ordinal, veth.peer.master_ordinal);
        } else {
            const auto& switch_end = a.is_switch() ? link.a : link.b;
            const auto& node_side = a.is_switch() ? link.b : link.a;
            veth.peer = node_end(node_side);
            veth.local = fabric_port(switch_end, node_side);
            // The switch port carries what the node's interface sends (see docs/topology.md).
            veth.local.mtu = veth.peer.mtu;
        }
        plan_.namespaces[veth.peer.namespace_index].peers_to_bring_up.push_back(veth.peer.ordinal);
        plan_.veths.push_back(std::move(veth));
    }

    const Lab& lab_;
    const PlanPaths& paths_;
    LabPlan plan_;
    std::vector<int> next_ordinal_;  // per namespace
    std::map<std::string, std::size_t> namespace_of_node_;
    std::map<std::pair<std::string, std::string>, int> interface_ordinal_;
    std::map<std::pair<std::string, std::string>, wire::MacAddress> interface_mac_;
    std::set<wire::MacAddress> chosen_macs_;
    std::uint32_t generated_macs_ = 0;
    std::map<std::string, int> bridge_ordinal_;
    std::set<std::string> fabric_names_;
    int trunk_mtu_ = 0;
};

}  // namespace

std::optional<std::size_t> LabPlan::namespace_of(const std::string& node) const {
    for (std::size_t i = 0; i < namespaces.size(); ++i) {
        if (namespaces[i].node == node) return i;
    }
    return std::nullopt;
}

std::string node_netns_name(const std::string& lab, const std::string& node) {
    return "emu-" + lab + "-" + node;
}

std::string fabric_netns_name(const std::string& lab) { return "emu-" + lab + ".fabric"; }

const DevicePlan* find_endpoint_device(const LabPlan& plan, const topology::Lab& lab, const std::string& node,
                                       const std::string& interface) {
    // One veth pair per link, in the order of the file (see add_link): the local end is the
    // first node's, or the switch's port when only one end is a switch.
    for (std::size_t i = 0; i < lab.links.size() && i < plan.veths.size(); ++i) {
        const auto& link = lab.links[i];
        bool is_a = link.a.node == node && link.a.interface == interface;
        bool is_b = link.b.node == node && link.b.interface == interface;
        if (!is_a && !is_b) continue;
        bool a_switch = lab.find_node(link.a.node)->is_switch();
        bool b_switch = lab.find_node(link.b.node)->is_switch();
        bool local = a_switch == b_switch ? is_a : (is_a ? a_switch : b_switch);
        return local ? &plan.veths[i].local : &plan.veths[i].peer;
    }
    return nullptr;
}

LabPlan plan_lab(const topology::Lab& lab, const PlanPaths& paths) { return Planner(lab, paths).plan(); }

}  // namespace emu::build
