#include "emud/topology/dot.hpp"

#include <fmt/format.h>

namespace emu::topology {
namespace {

// DOT double-quoted strings escape '"' and '\'; labels join escaped parts with "\n".
std::string escaped(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

std::string dot_string(std::string_view text) { return "\"" + escaped(text) + "\""; }

std::string_view shape_of(NodeKind kind) {
    switch (kind) {
        case NodeKind::host: return "box";
        case NodeKind::router: return "ellipse";
        case NodeKind::server: return "box3d";
        case NodeKind::switch_: return "hexagon";
    }
    return "box";
}

// A node's label: its name, then one line per interface with its addresses, so that the
// edges need only the short interface names and labels do not collide.
std::string node_label(const Node& node) {
    std::string label = escaped(node.name);
    if (node.is_switch()) {
        for (const auto& subnet : node.subnets) label += "\\n" + subnet.prefix.to_string();
        return label;
    }
    for (const auto& interface : node.interfaces) {
        std::string line = escaped(interface.name);
        if (interface.dhcp) line += " dhcp";
        for (const auto& address : interface.addresses) line += " " + address.prefix.to_string();
        if (line != escaped(interface.name)) label += "\\n" + line;
    }
    return label;
}

std::string end_label(const Lab& lab, const Endpoint& end) {
    const Node* node = lab.find_node(end.node);
    return node == nullptr || node->is_switch() ? "" : escaped(end.interface);
}

}  // namespace

std::string to_dot(const Lab& lab) {
    std::string out = fmt::format("graph {} {{\n", dot_string(lab.name));
    out += "  graph [overlap=false, fontname=\"Helvetica\"];\n";
    out += "  node [fontname=\"Helvetica\", fontsize=11];\n";
    out += "  edge [fontname=\"Helvetica\", fontsize=8, labeldistance=1.6];\n";
    for (const auto& node : lab.nodes) {
        out += fmt::format("  {} [shape={}, label=\"{}\"{}];\n", dot_string(node.name), shape_of(node.kind),
                           node_label(node), node.is_switch() ? ", style=filled, fillcolor=\"#e8eef7\"" : "");
    }
    for (const auto& link : lab.links) {
        out += fmt::format("  {} -- {} [taillabel=\"{}\", headlabel=\"{}\"];\n", dot_string(link.a.node),
                           dot_string(link.b.node), end_label(lab, link.a), end_label(lab, link.b));
    }
    return out + "}\n";
}

}  // namespace emu::topology
