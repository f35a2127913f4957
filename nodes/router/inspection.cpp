#include "nodes/router/inspection.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace emu::router {
namespace {

using nlohmann::json;

// Seconds, to the tenth: what a person reads and what a script compares.
double seconds(Duration duration) { return std::round(std::chrono::duration<double>(duration).count() * 10) / 10; }

const char* origin_name(RipRouteEntry::Origin origin) {
    switch (origin) {
        case RipRouteEntry::Origin::connected: return "connected";
        case RipRouteEntry::Origin::redistributed: return "redistributed";
        case RipRouteEntry::Origin::learned: return "learned";
    }
    return "?";
}

// The rows of a table with each column as wide as its widest cell, two spaces apart, each
// line indented and without trailing blanks.
std::string aligned(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    std::string text;
    for (const auto& row : rows) {
        std::string line = indent;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        line.erase(line.find_last_not_of(' ') + 1);
        text += line + '\n';
    }
    return text;
}

char source_code(const std::string& source) {
    if (source == "connected") return 'C';
    if (source == "static") return 'S';
    if (source == "ospf") return 'O';
    if (source == "rip") return 'R';
    return '?';
}

}  // namespace

json routes_report(const Rib& rib) {
    json destinations = json::array();
    for (const auto& [destination, candidates] : rib.candidates()) {
        auto installed = rib.installed().find(destination);
        json offered = json::array();
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            const auto& route = candidates[i];
            json next_hops = json::array();
            for (const auto& hop : route.next_hops) {
                next_hops.push_back({{"gateway", hop.gateway.to_string()}, {"interface", hop.interface}});
            }
            offered.push_back({{"source", to_string(route.source)},
                               {"distance", administrative_distance(route.source)},
                               {"metric", route.metric},
                               {"next_hops", next_hops},
                               {"chosen", i == 0},
                               // The winner is in the kernel's table: put there by us, or, for a
                               // connected network or a static route, by the kernel or emud.
                               {"in_kernel", (installed != rib.installed().end() && installed->second == route) ||
                                                 (i == 0 && !Rib::installs(route.source))}});
        }
        destinations.push_back({{"destination", destination.to_string()}, {"candidates", offered}});
    }
    return {{"routes", destinations}};
}

json rip_report(const RipEngine& engine, Time now) {
    const auto& config = engine.config();
    json interfaces = json::array();
    for (const auto& interface : config.interfaces) {
        interfaces.push_back({{"name", interface.name},
                              {"address", interface.address.to_string()},
                              {"passive", interface.passive},
                              {"up", engine.interface_is_up(interface.name)}});
    }
    json routes = json::array();
    for (const auto& [destination, entry] : engine.table()) {
        json route{{"destination", destination.to_string()},
                   {"metric", entry.metric},
                   {"origin", origin_name(entry.origin)},
                   {"interface", entry.interface},
                   {"tag", entry.tag}};
        if (entry.origin == RipRouteEntry::Origin::learned) {
            route["next_hop"] = entry.next_hop.to_string();
            route["from"] = entry.learned_from.to_string();
        }
        if (entry.expires) route["expires_in"] = seconds(*entry.expires - now);
        if (entry.forgotten_at) route["forgotten_in"] = seconds(*entry.forgotten_at - now);
        routes.push_back(route);
    }
    json neighbours = json::array();
    for (const auto& [address, neighbour] : engine.neighbours()) {
        neighbours.push_back({{"address", address.to_string()},
                              {"interface", neighbour.interface},
                              {"last_heard_ago", seconds(now - neighbour.last_heard)},
                              {"responses", neighbour.responses},
                              {"bad_routes", neighbour.bad_routes}});
    }
    const auto& counters = engine.counters();
    return {{"timers",
             {{"update", seconds(config.timers.update)},
              {"timeout", seconds(config.timers.timeout)},
              {"garbage", seconds(config.timers.garbage)}}},
            {"poisoned_reverse", config.poisoned_reverse},
            {"interfaces", interfaces},
            {"routes", routes},
            {"neighbours", neighbours},
            {"counters",
             {{"updates_sent", counters.updates_sent},
              {"triggered_updates_sent", counters.triggered_updates_sent},
              {"requests_sent", counters.requests_sent},
              {"requests_answered", counters.requests_answered},
              {"ignored_messages", counters.ignored_messages},
              {"bad_routes", counters.bad_routes}}}};
}

std::string format_routes(const json& report) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& destination : report.at("routes")) {
        for (const auto& candidate : destination.at("candidates")) {
            const auto source = candidate.at("source").get<std::string>();
            std::string code{source_code(source)};
            code += candidate.at("chosen").get<bool>() ? '>' : ' ';
            code += candidate.at("in_kernel").get<bool>() ? '*' : ' ';
            auto cost = fmt::format("[{}/{}]", candidate.at("distance").get<int>(),
                                    candidate.at("metric").get<std::uint32_t>());
            bool first = true;
            for (const auto& hop : candidate.at("next_hops")) {
                const auto gateway = hop.at("gateway").get<std::string>();
                const auto interface = hop.at("interface").get<std::string>();
                auto way = source == "connected" || gateway == "0.0.0.0" ? "directly connected, " + interface
                                                                         : "via " + gateway + ", " + interface;
                if (first) {
                    rows.push_back({code, destination.at("destination").get<std::string>(), cost, way});
                } else {
                    rows.push_back({"", "", "", way});  // an equal-cost path more
                }
                first = false;
            }
        }
    }
    return "Codes: C connected, S static, O ospf, R rip; > chosen, * in the kernel's table; "
           "[administrative distance/metric]\n\n" +
           aligned(rows, "");
}

std::string format_rip(const json& report) {
    const auto& timers = report.at("timers");
    std::string text = fmt::format(
        "RIPv2: an update every {} s; a route unheard for {} s becomes unreachable (metric 16) and is forgotten "
        "{} s later; split horizon{}\n",
        timers.at("update").get<double>(), timers.at("timeout").get<double>(), timers.at("garbage").get<double>(),
        report.at("poisoned_reverse").get<bool>() ? " with poisoned reverse" : "");
    std::vector<std::vector<std::string>> interfaces;
    for (const auto& interface : report.at("interfaces")) {
        interfaces.push_back({interface.at("name").get<std::string>(), interface.at("address").get<std::string>(),
                              interface.at("up").get<bool>() ? "up" : "down",
                              interface.at("passive").get<bool>() ? "passive (nothing sent)" : ""});
    }
    text += "\nInterfaces:\n" + aligned(interfaces, "  ");
    std::vector<std::vector<std::string>> routes{{"Destination", "Metric", "Next hop", "From", "Interface", "Timer"}};
    for (const auto& route : report.at("routes")) {
        const auto origin = route.at("origin").get<std::string>();
        std::string timer;
        if (route.contains("forgotten_in")) {
            timer = fmt::format("forgotten in {:.1f} s", route.at("forgotten_in").get<double>());
        } else if (route.contains("expires_in")) {
            timer = fmt::format("times out in {:.1f} s", route.at("expires_in").get<double>());
        }
        routes.push_back({route.at("destination").get<std::string>(),
                          std::to_string(route.at("metric").get<std::uint32_t>()), route.value("next_hop", "-"),
                          origin == "learned" ? route.at("from").get<std::string>() : origin,
                          route.at("interface").get<std::string>(), timer});
    }
    text += "\nRoutes (metric 16: unreachable):\n" + aligned(routes, "  ");
    text += "\nNeighbours:\n";
    if (report.at("neighbours").empty()) text += "  none heard yet\n";
    for (const auto& neighbour : report.at("neighbours")) {
        text += fmt::format("  {} on {}: last heard {:.1f} s ago, {} responses, {} bad routes\n",
                            neighbour.at("address").get<std::string>(), neighbour.at("interface").get<std::string>(),
                            neighbour.at("last_heard_ago").get<double>(), neighbour.at("responses").get<std::uint64_t>(),
                            neighbour.at("bad_routes").get<std::uint64_t>());
    }
    const auto& counters = report.at("counters");
    text += fmt::format(
        "\nSent {} regular and {} triggered updates and {} requests, answered {} requests; ignored {} messages and {} "
        "bad routes\n",
        counters.at("updates_sent").get<std::uint64_t>(), counters.at("triggered_updates_sent").get<std::uint64_t>(),
        counters.at("requests_sent").get<std::uint64_t>(), counters.at("requests_answered").get<std::uint64_t>(),
        counters.at("ignored_messages").get<std::uint64_t>(),
        counters.at("bad_routes").get<std::uint64_t>());
    return text;
}

json ospf_neighbors_report(const OspfEngine& engine, Time now) {
    json interfaces = json::array();
    for (const auto* interface : engine.interfaces()) {
        const auto& config = interface->config();
        json neighbours = json::array();
        for (const auto& [id, neighbour] : interface->neighbours()) {
            std::string role = config.type == OspfNetworkType::point_to_point ? "-"
                               : neighbour.address == interface->dr()    ? "DR"
                               : neighbour.address == interface->bdr()   ? "Backup"
                                                                           : "DROther";
            const auto dead_at = neighbour.last_heard + std::chrono::seconds(config.dead_interval);
            neighbours.push_back({{"router_id", id.to_string()},
                                  {"address", neighbour.address.to_string()},
                                  {"priority", neighbour.priority},
                                  {"state", to_string(neighbour.state)},
                                  {"role", role},
                                  {"dead_in", seconds(dead_at - now)}});
        }
        interfaces.push_back({{"name", config.name},
                              {"address", config.address.to_string()},
                              {"network", config.type == OspfNetworkType::broadcast ? "broadcast" : "point-to-point"},
                              {"state", to_string(interface->state())},
                              {"cost", config.cost},
                              {"priority", config.priority},
                              {"passive", config.passive},
                              {"hello", config.hello_interval},
                              {"dead", config.dead_interval},
                              {"dr", interface->dr().to_string()},
                              {"bdr", interface->bdr().to_string()},
                              {"neighbors", neighbours}});
    }
    return {{"router_id", engine.config().router_id.to_string()}, {"interfaces", interfaces}};
}

json ospf_database_report(const OspfEngine& engine, Time now) {
    json lsas = json::array();
    for (const auto& lsa : engine.lsdb().snapshot(now)) {
        const auto& header = lsa.header;
        json entry{{"type", wire::lsa_type_name(header.type)},
                   {"id", header.link_state_id.to_string()},
                   {"adv_router", header.advertising_router.to_string()},
                   {"age", header.age},
                   {"seq", fmt::format("{:#010x}", header.sequence)},
                   {"checksum", fmt::format("{:#06x}", header.checksum)}};
        if (const auto* router = std::get_if<wire::RouterLsa>(&lsa.body)) {
            json links = json::array();
            for (const auto& link : router->links) {
                links.push_back({{"type", wire::router_link_type_name(link.type)},
                                 {"id", link.link_id.to_string()},
                                 {"data", link.link_data.to_string()},
                                 {"metric", link.metric}});
            }
            entry["links"] = links;
        } else if (const auto* network = std::get_if<wire::NetworkLsa>(&lsa.body)) {
            json attached = json::array();
            for (const auto& member : network->attached_routers) attached.push_back(member.to_string());
            entry["mask"] = network->network_mask.to_string();
            entry["attached_routers"] = attached;
        }
        lsas.push_back(std::move(entry));
    }
    return {{"router_id", engine.config().router_id.to_string()}, {"lsas", lsas}};
}

std::string format_ospf_neighbors(const json& report) {
    std::string text = "OSPF router " + report.at("router_id").get<std::string>() + "\n";
    std::vector<std::vector<std::string>> rows{{"Neighbor ID", "Pri", "State", "Dead Time", "Address", "Interface"}};
    for (const auto& interface : report.at("interfaces")) {
        text += fmt::format("  {} {} {}, {}, cost {}{}: DR {}, BDR {}\n", interface.at("name").get<std::string>(),
                            interface.at("address").get<std::string>(), interface.at("network").get<std::string>(),
                            interface.at("state").get<std::string>(), interface.at("cost").get<int>(),
                            interface.at("passive").get<bool>() ? " (passive)" : "",
                            interface.at("dr").get<std::string>(), interface.at("bdr").get<std::string>());
        for (const auto& neighbour : interface.at("neighbors")) {
            rows.push_back({neighbour.at("router_id").get<std::string>(), std::to_string(neighbour.at("priority").get<int>()),
                            neighbour.at("state").get<std::string>() + "/" + neighbour.at("role").get<std::string>(),
                            fmt::format("{:.1f} s", neighbour.at("dead_in").get<double>()),
                            neighbour.at("address").get<std::string>(), interface.at("name").get<std::string>()});
        }
    }
    text += "\n";
    if (rows.size() == 1) return text + "No neighbour heard yet.\n";
    return text + aligned(rows, "");
}

std::string format_ospf_database(const json& report) {
    std::string text = "OSPF router " + report.at("router_id").get<std::string>() + ", area 0.0.0.0\n";
    for (const char* type : {"router-LSA", "network-LSA"}) {
        std::vector<std::vector<std::string>> rows{{"Link ID", "ADV Router", "Age", "Seq#", "CkSum", "What it says"}};
        for (const auto& lsa : report.at("lsas")) {
            if (lsa.at("type") != type) continue;
            std::string says;
            if (lsa.contains("links")) {
                for (const auto& link : lsa.at("links")) {
                    says += (says.empty() ? "" : "; ") + link.at("type").get<std::string>() + " " +
                            link.at("id").get<std::string>() + " (" + link.at("data").get<std::string>() + ") cost " +
                            std::to_string(link.at("metric").get<int>());
                }
            } else if (lsa.contains("attached_routers")) {
                says = "mask " + lsa.at("mask").get<std::string>() + ", routers";
                for (const auto& router : lsa.at("attached_routers")) says += " " + router.get<std::string>();
            }
            rows.push_back({lsa.at("id").get<std::string>(), lsa.at("adv_router").get<std::string>(),
                            std::to_string(lsa.at("age").get<int>()), lsa.at("seq").get<std::string>(),
                            lsa.at("checksum").get<std::string>(), says});
        }
        if (rows.size() == 1) continue;
        text += std::string("\n") + (std::string(type) == "router-LSA" ? "Router" : "Network") + " link states\n" +
                aligned(rows, "  ");
    }
    return text;
}

json report(const std::string& topic, const Rib& rib, const RipEngine* rip, const OspfEngine* ospf, Time now) {
    auto not_running = [&](const char* protocol) {
        return std::invalid_argument(std::string("this router does not run ") + protocol);
    };
    if (topic == "routes") return routes_report(rib);
    if (topic == "rip") {
        if (rip == nullptr) throw not_running("RIP");
        return rip_report(*rip, now);
    }
    if (topic == "ospf neighbors" || topic == "ospf database") {
        if (ospf == nullptr) throw not_running("OSPF");
        return topic == "ospf neighbors" ? ospf_neighbors_report(*ospf, now) : ospf_database_report(*ospf, now);
    }
    throw std::invalid_argument("emu-router shows " + std::string(kInspectionTopics) + ", not '" + topic + "'");
}

std::string format_report(const std::string& topic, const json& report) {
    if (topic == "routes") return format_routes(report);
    if (topic == "rip") return format_rip(report);
    if (topic == "ospf neighbors") return format_ospf_neighbors(report);
    if (topic == "ospf database") return format_ospf_database(report);
    throw std::invalid_argument("emu-router shows " + std::string(kInspectionTopics) + ", not '" + topic + "'");
}

}  // namespace emu::router
