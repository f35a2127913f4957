#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "emud/topology/model.hpp"

namespace emu::build {

/// Where a lab's files go in the host's file system; tests point these elsewhere.
struct PlanPaths {
    std::filesystem::path netns_directory = "/run/netns";
    std::filesystem::path etc_directory = "/etc/netns";
};

/// A device the lab makes. Its ifindex is the namespace's first free index at creation
/// plus `ordinal`, so that the numbering is the same each time (lo is 1, eth0 usually 2).
struct DevicePlan {
    std::size_t namespace_index = 0;
    std::string name;   ///< kernel name, at most 15 bytes
    std::string alias;  ///< the user's name or what it connects to; empty: none
    int ordinal = 0;    ///< 1, 2, … in the order the namespace's devices are made
    std::optional<int> mtu;
    std::optional<wire::MacAddress> mac;
    int master_ordinal = 0;  ///< the bridge it joins (fabric only); 0: none
};

struct BridgePlan {
    DevicePlan device;
    bool stp = false;
    std::string what;
};

/// A veth pair, made by a request on the socket of `local`'s namespace.
struct VethPlan {
    DevicePlan local;  ///< the fabric end of a switch link, or the first node of a point-to-point one
    DevicePlan peer;
    std::string what;
    topology::SourceSpot where;
};

struct AddressPlan {
    int ordinal = 0;  ///< the device; lo is ordinal 0 and always ifindex 1
    wire::IpPrefix prefix;
    std::string what;
    topology::SourceSpot where;
};

struct RoutePlan {
    wire::IpPrefix destination;
    wire::IpAddress via;
    std::optional<std::uint32_t> metric;
    std::string what;
    topology::SourceSpot where;
};

/// A sysctl written inside the namespace.
struct SysctlPlan {
    std::string key;
    std::string value;
    topology::SourceSpot where;  ///< line 0: set by emu itself
};

/// One network namespace of the lab and everything configured inside it after the links.
struct NamespacePlan {
    std::string node;  ///< empty for the fabric
    std::string kind;  ///< "fabric", "host", "router", "server"
    std::filesystem::path path;
    std::filesystem::path etc_directory;  ///< empty for the fabric
    std::string hosts_file;
    std::string resolv_conf;
    std::vector<SysctlPlan> early_sysctls;  ///< at creation, before any device exists
    std::vector<int> peers_to_bring_up;     ///< veth peers made from another namespace
    std::vector<std::pair<int, int>> peer_masters;  ///< fabric ports made as veth peers: ordinal, bridge
    std::vector<std::pair<int, std::string>> aliases;  ///< ordinal, alias
    std::vector<AddressPlan> addresses;
    std::vector<RoutePlan> routes;
    std::vector<SysctlPlan> sysctls;  ///< the user's, once the devices exist
    topology::SourceSpot where;

    bool is_fabric() const { return node.empty(); }
};

/// Everything a lab is made of, in the order it is made: namespaces, bridges, veths, then
/// each namespace's own configuration. Pure: computed from the model alone.
struct LabPlan {
    std::string lab;
    std::vector<NamespacePlan> namespaces;  ///< the fabric first, when the lab has switches
    std::vector<BridgePlan> bridges;
    std::vector<VethPlan> veths;

    std::optional<std::size_t> namespace_of(const std::string& node) const;
};

/// The namespace name of a node, "emu-<lab>-<node>".
std::string node_netns_name(const std::string& lab, const std::string& node);
/// The namespace name of a lab's fabric, "emu-<lab>.fabric" ('.' is in no node name).
std::string fabric_netns_name(const std::string& lab);

/// The device that is an endpoint of a link ("h1:eth0", or a switch port "lan1:p2"), or null
/// when no link of the lab has that endpoint.
const DevicePlan* find_endpoint_device(const LabPlan& plan, const topology::Lab& lab, const std::string& node,
                                       const std::string& interface);

/// Plans a validated lab.
LabPlan plan_lab(const topology::Lab& lab, const PlanPaths& paths = {});

}  // namespace emu::build
