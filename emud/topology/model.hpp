#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "emud/topology/diagnostics.hpp"
#include "emud/topology/source_spot.hpp"
#include "lib/wire/ip_address.hpp"
#include "lib/wire/mac_address.hpp"

namespace emu::topology {

/// What a node is. Switches are LANs (Linux bridges in the lab's fabric namespace);
/// the others are network namespaces.
enum class NodeKind { host, router, server, switch_ };

std::string_view to_string(NodeKind kind);

/// A static address of an interface, with where it was written.
struct InterfaceAddress {
    wire::IpPrefix prefix;
    SourceSpot where;
};

/// One interface of a node, as the user named it and as the kernel will see it.
struct Interface {
    std::string name;         ///< the user's name ("eth0"); kept as the kernel alias when it differs
    std::string kernel_name;  ///< at most 15 bytes, valid for the kernel; equal to `name` when it can be
    std::vector<InterfaceAddress> addresses;
    bool dhcp = false;
    std::optional<int> mtu;
    SourceSpot mtu_where;  ///< of the `mtu` value, when there is one
    std::optional<wire::MacAddress> mac;
    bool declared = false;  ///< listed under `interfaces:` (else only named by a link)
    SourceSpot where;

    /// The first static IPv4 address, or nullptr: what routing protocols and relays run on.
    const InterfaceAddress* ipv4_address() const;
};

/// A static route; `destination` 0.0.0.0/0 (or ::/0) is a default route.
struct StaticRoute {
    wire::IpPrefix destination;
    wire::IpAddress via;
    std::optional<std::uint32_t> metric;
    SourceSpot where;
};

/// What the supervisor does when a process ends.
enum class RestartPolicy { never, on_failure, always };

std::string_view to_string(RestartPolicy policy);

/// A command started inside the node once the lab is up (`exec:`).
struct ExecCommand {
    std::string command;  ///< run by /bin/sh -c inside the node
    RestartPolicy restart = RestartPolicy::never;
    SourceSpot where;
};

/// A `services:` entry, handed as JSON to the node program that implements it.
struct Service {
    std::string name;
    nlohmann::json config;  ///< as the user wrote it
    SourceSpot where;       ///< of the service's key
    /// Where each value of `config` is in the file, by JSON pointer ("/pool", "/subnets/0/router").
    std::map<std::string, SourceSpot> spots;
    /// What the node program is given, once the checks have made it from `config`.
    nlohmann::json program_config;
    /// Set when this service runs inside another's process (a router's `ospf` in the
    /// emu-router that its `rip` starts): the name of that service. Nothing is started for it.
    std::string runs_in;

    /// The spot of the value at `pointer`, else of the nearest enclosing one, else the key's.
    SourceSpot spot(const std::string& pointer) const;
};

/// A kernel sysctl set inside the node's network namespace.
struct Sysctl {
    std::string key;  ///< as written ("net.ipv4.ip_forward")
    std::string value;
    SourceSpot where;
};

struct Node {
    std::string name;
    NodeKind kind = NodeKind::host;
    SourceSpot where;
    std::vector<Interface> interfaces;
    std::vector<StaticRoute> routes;  ///< `gateway:` becomes a default route here
    std::vector<Sysctl> sysctls;
    std::vector<ExecCommand> exec;
    std::vector<Service> services;
    std::vector<wire::IpAddress> nameservers;  ///< `nameservers:`, for the node's resolv.conf
    std::vector<std::string> search;           ///< `search:`, the same
    // Switches only.
    std::vector<InterfaceAddress> subnets;  ///< declared subnets of the LAN, for checking
    bool stp = false;

    bool is_switch() const { return kind == NodeKind::switch_; }
    const Interface* find_interface(std::string_view interface_name) const;
    Interface* find_interface(std::string_view interface_name);
};

/// One end of a link: a node's interface, or a switch (with an optional port name).
struct Endpoint {
    std::string node;
    std::string interface;  ///< for a switch: the port name, generated when not given
    SourceSpot where;
    std::string to_string() const { return node + ":" + interface; }
};

struct Link {
    std::string name;  ///< the user's `name:`, else "a:eth0--b:eth1"
    Endpoint a;
    Endpoint b;
    SourceSpot where;
};

/// A whole validated lab.
/// How much of a lab's traffic emud keeps (`capture:` at the top of a topology).
struct CaptureSettings {
    /// The trace's memory ring: the newest frames, decoded when read; the oldest go first.
    std::uint64_t ring_bytes = 64ull << 20;
    /// The lab's pcapng stops growing at this size; later frames are counted as not in it.
    std::uint64_t file_limit_bytes = 1ull << 30;
    SourceSpot where;
};

struct Lab {
    std::string name;
    std::string source_file;  ///< the file it came from, for messages; may be empty
    CaptureSettings capture;
    std::vector<Node> nodes;
    std::vector<Link> links;
    /// What the checks found that does not stop the lab (an MTU mismatch): printed, not refused.
    Diagnostics warnings;

    const Node* find_node(std::string_view node_name) const;
    Node* find_node(std::string_view node_name);
    /// The position of a node in `nodes`, or nodes.size().
    std::size_t node_position(std::string_view node_name) const;
    /// Indexes the nodes by name, so that finding one does not walk the list (a topology
    /// may have thousands). Call it again after changing `nodes`.
    void index_nodes();
    /// True when the lab has switches and so needs a fabric namespace.
    bool has_switches() const;

private:
    std::unordered_map<std::string, std::size_t> node_positions_;
};

}  // namespace emu::topology
