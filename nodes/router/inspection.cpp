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
                               {"in_kernel", installed != rib.installed().end() && installed->second == route}});
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
        "\nSent {} regular and {} triggered updates, answered {} requests; ignored {} messages and {} bad routes\n",
        counters.at("updates_sent").get<std::uint64_t>(), counters.at("triggered_updates_sent").get<std::uint64_t>(),
        counters.at("requests_answered").get<std::uint64_t>(), counters.at("ignored_messages").get<std::uint64_t>(),
        counters.at("bad_routes").get<std::uint64_t>());
    return text;
}

json report(const std::string& topic, const Rib& rib, const RipEngine& rip, Time now) {
    if (topic == "routes") return routes_report(rib);
    if (topic == "rip") return rip_report(rip, now);
    throw std::invalid_argument("emu-router shows " + std::string(kInspectionTopics) + ", not '" + topic + "'");
}

std::string format_report(const std::string& topic, const json& report) {
    if (topic == "routes") return format_routes(report);
    if (topic == "rip") return format_rip(report);
    throw std::invalid_argument("emu-router shows " + std::string(kInspectionTopics) + ", not '" + topic + "'");
}

}  // namespace emu::router
