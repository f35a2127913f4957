#include "emud/topology/services.hpp"

#include <algorithm>
#include <filesystem>

#include "emud/topology/dhcp_relay_service.hpp"
#include "emud/topology/dhcp_service.hpp"
#include "emud/topology/dns_service.hpp"
#include "emud/topology/ftp_service.hpp"
#include "emud/topology/http_service.hpp"
#include "emud/topology/mail_service.hpp"
#include "emud/topology/ospf_service.hpp"
#include "emud/topology/rip_service.hpp"

namespace emu::topology {

const std::vector<ServiceKind>& known_services() {
    // The node programs add their entries here as they land; any
    // other `services:` entry is refused with a clear message.
    static const std::vector<ServiceKind> kServices{
        {"dhcp", "emu-dhcpd", {NodeKind::server, NodeKind::router}, check_dhcp_service},
        {"dhcp-relay", "emu-dhcp-relay", {NodeKind::router}, check_dhcp_relay_service},
        {"dns", "emu-dnsd", {NodeKind::server, NodeKind::router}, check_dns_service},
        {"http", "emu-httpd", {NodeKind::server}, check_http_service},
        {"ftp", "emu-ftpd", {NodeKind::server}, check_ftp_service},
        {"smtp", "emu-maild", {NodeKind::server}, check_smtp_service},
        {"pop3", "emu-maild", {NodeKind::server}, check_pop3_service},
        {"rip", "emu-router", {NodeKind::router}, check_rip_service},
        {"ospf", "emu-router", {NodeKind::router}, check_ospf_service},
        {"dhcp-client", "emu-host", {NodeKind::host, NodeKind::server, NodeKind::router}, nullptr, {"agent"},
         "`dhcp` on an interface (`eth0: dhcp`)"},
    };
    return kServices;
}

const ServiceKind* find_service(std::string_view name) {
    const auto& services = known_services();
    auto it = std::find_if(services.begin(), services.end(), [&](const ServiceKind& s) { return s.name == name; });
    return it == services.end() ? nullptr : &*it;
}

namespace {

// emu-host's agent runs the DHCP client (RFC 2131) on the node's `dhcp` interfaces, by
// their kernel names, and writes the node's resolv.conf (emud's launcher mounts the node's
// own file over /etc/resolv.conf).
void add_dhcp_client(Node& node) {
    if (node.is_switch()) return;
    auto interfaces = nlohmann::json::array();
    for (const auto& interface : node.interfaces) {
        if (interface.dhcp) interfaces.push_back(interface.kernel_name);
    }
    if (interfaces.empty()) return;
    Service service{"dhcp-client", nlohmann::json::object(), node.where, {}, nullptr, {}};
    service.program_config = {{"hostname", node.name}, {"dhcp_interfaces", interfaces}, {"resolv_conf", "/etc/resolv.conf"}};
    node.services.push_back(std::move(service));
}

// The kernel metric of the routes emu-router installs (nodes/router/router_loop.cpp, as
// FRR's zebra does); a kernel route is known by destination and metric.
constexpr std::uint32_t kRoutingProtocolKernelMetric = 20;

// One emu-router runs a router's RIP and OSPF: the second protocol's settings join the
// first's, and the second runs in its process (its RIB chooses between the two). It is told
// the node's static IPv4 routes too (emud puts them in the kernel), so that its RIB weighs
// them against what the protocols learn and `emu-router show routes` lists them.
void merge_routing_protocols(Node& node, Diagnostics& diagnostics) {
    Service* first = nullptr;
    for (auto& service : node.services) {
        if (service.name != "rip" && service.name != "ospf") continue;
        if (first == nullptr) {
            first = &service;
            continue;
        }
        if (service.program_config.contains(service.name)) {
            first->program_config[service.name] = service.program_config[service.name];
        }
        service.runs_in = first->name;
    }
    if (first == nullptr) return;
    auto static_routes = nlohmann::json::array();
    for (const auto& route : node.routes) {
        if (!route.destination.address.is_v4() || !route.via.is_v4()) continue;
        if (route.metric == kRoutingProtocolKernelMetric) {
            diagnostics.error(route.where,
                              "metric 20 is the one emu-router's RIP and OSPF routes take in the kernel's table, where "
                              "one would replace the other",
                              "give the static route another metric (0, the default, or e.g. 10 or 200)");
        }
        nlohmann::json entry = {{"to", route.destination.to_string()}, {"via", route.via.to_string()}};
        if (route.metric) entry["metric"] = *route.metric;
        static_routes.push_back(std::move(entry));
    }
    first->program_config["static_routes"] = std::move(static_routes);
}

}  // namespace

std::optional<std::string> path_beside_topology(const Lab& lab, const std::string& path) {
    std::filesystem::path named = path;
    if (named.is_relative()) {
        std::filesystem::path topology = lab.source_file;
        if (!topology.is_absolute()) return std::nullopt;
        named = topology.parent_path() / named;
    }
    return named.lexically_normal().string();
}

std::string pointer_token(const std::string& key) {
    std::string token;
    for (char c : key) token += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    return token;
}

std::optional<double> seconds_of(const nlohmann::json& value) {
    if (value.is_number()) return value.get<double>();
    if (!value.is_string()) return std::nullopt;
    std::string text = value.get<std::string>();
    double scale = 1;
    if (text.size() > 2 && text.ends_with("ms")) {
        scale = 0.001;
        text.resize(text.size() - 2);
    } else if (text.size() > 1 && text.ends_with("s")) {
        text.resize(text.size() - 1);
    }
    if (text.empty() || text.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
    char* end = nullptr;
    double number = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return std::nullopt;
    return number * scale;
}

std::string shown(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void check_services(Lab& lab, Diagnostics& diagnostics) {
    for (auto& node : lab.nodes) {
        for (auto& service : node.services) {
            const auto* kind = find_service(service.name);
            if (kind != nullptr && kind->check != nullptr) kind->check(lab, node, service, diagnostics);
        }
        merge_routing_protocols(node, diagnostics);
        merge_mail_services(node, diagnostics);
        add_dhcp_client(node);
    }
}

}  // namespace emu::topology
