#include "emud/topology/model.hpp"

#include <algorithm>

namespace emu::topology {

std::string_view to_string(NodeKind kind) {
    switch (kind) {
        case NodeKind::host: return "host";
        case NodeKind::router: return "router";
        case NodeKind::server: return "server";
        case NodeKind::switch_: return "switch";
    }
    return "?";
}

std::string_view to_string(RestartPolicy policy) {
    switch (policy) {
        case RestartPolicy::never: return "no";
        case RestartPolicy::on_failure: return "on-failure";
        case RestartPolicy::always: return "always";
    }
    return "?";
}

SourceSpot Service::spot(const std::string& pointer) const {
    // "/subnets/0/router" → "/subnets/0" → "/subnets" → "" (the service's value itself).
    auto path = pointer;
    while (true) {
        if (auto it = spots.find(path); it != spots.end()) return it->second;
        if (path.empty()) return where;
        auto slash = path.rfind('/');
        path = slash == std::string::npos ? std::string() : path.substr(0, slash);
    }
}

const Interface* Node::find_interface(std::string_view interface_name) const {
    auto it = std::find_if(interfaces.begin(), interfaces.end(),
                           [&](const Interface& i) { return i.name == interface_name; });
    return it == interfaces.end() ? nullptr : &*it;
}

Interface* Node::find_interface(std::string_view interface_name) {
    return const_cast<Interface*>(std::as_const(*this).find_interface(interface_name));
}

std::size_t Lab::node_position(std::string_view node_name) const {
    if (node_positions_.size() == nodes.size()) {
        auto it = node_positions_.find(std::string(node_name));
        return it == node_positions_.end() ? nodes.size() : it->second;
    }
    auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.name == node_name; });
    return static_cast<std::size_t>(it - nodes.begin());
}

void Lab::index_nodes() {
    node_positions_.clear();
    for (std::size_t i = 0; i < nodes.size(); ++i) node_positions_.emplace(nodes[i].name, i);
}

const InterfaceAddress* Interface::ipv4_address() const {
    for (const auto& address : addresses) {
        if (address.prefix.address.is_v4()) return &address;
    }
    return nullptr;
}

const Node* Lab::find_node(std::string_view node_name) const {
    auto position = node_position(node_name);
    return position == nodes.size() ? nullptr : &nodes[position];
}

Node* Lab::find_node(std::string_view node_name) {
    return const_cast<Node*>(std::as_const(*this).find_node(node_name));
}

bool Lab::has_switches() const {
    return std::any_of(nodes.begin(), nodes.end(), [](const Node& n) { return n.is_switch(); });
}

}  // namespace emu::topology
