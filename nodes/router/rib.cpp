#include "nodes/router/rib.hpp"

#include <algorithm>
#include <set>

namespace emu::router {

const char* to_string(RouteSource source) {
    switch (source) {
        case RouteSource::connected: return "connected";
        case RouteSource::static_route: return "static";
        case RouteSource::ospf: return "ospf";
        case RouteSource::rip: return "rip";
    }
    return "?";
}

int administrative_distance(RouteSource source) {
    switch (source) {
        case RouteSource::connected: return 0;
        case RouteSource::static_route: return 1;
        case RouteSource::ospf: return 110;
        case RouteSource::rip: return 120;
    }
    return 255;
}

namespace {

bool better(const RibRoute& a, const RibRoute& b) {
    const auto distance_a = administrative_distance(a.source), distance_b = administrative_distance(b.source);
    if (distance_a != distance_b) return distance_a < distance_b;
    return a.metric < b.metric;
}

}  // namespace

std::vector<FibChange> Rib::set_routes(RouteSource source, const std::vector<RibRoute>& routes) {
    std::set<wire::Ipv4Prefix> touched;
    for (auto& [destination, by_source] : routes_) {
        if (by_source.erase(source) > 0) touched.insert(destination);
    }
    for (const auto& route : routes) {
        auto stored = route;
        stored.source = source;
        stored.destination = route.destination.network();
        std::sort(stored.next_hops.begin(), stored.next_hops.end());
        routes_[stored.destination][source] = stored;
        touched.insert(stored.destination);
    }
    std::vector<FibChange> changes;
    for (const auto& destination : touched) {
        auto winner = best(destination);
        auto installed = installed_.find(destination);
        const bool ours = winner && installs(winner->source);
        std::optional<RibRoute> previous;
        if (installed != installed_.end()) previous = installed->second;
        if (ours) {
            if (previous != winner) {
                installed_[destination] = *winner;
                changes.push_back({destination, *winner, previous});
            }
        } else if (previous) {
            installed_.erase(installed);
            changes.push_back({destination, std::nullopt, previous});
        }
        if (auto it = routes_.find(destination); it != routes_.end() && it->second.empty()) routes_.erase(it);
    }
    return changes;
}

std::optional<RibRoute> Rib::best(const wire::Ipv4Prefix& destination) const {
    auto found = routes_.find(destination);
    if (found == routes_.end() || found->second.empty()) return std::nullopt;
    const RibRoute* winner = nullptr;
    for (const auto& [source, route] : found->second) {
        if (winner == nullptr || better(route, *winner)) winner = &route;
    }
    return *winner;
}

std::map<wire::Ipv4Prefix, std::vector<RibRoute>> Rib::candidates() const {
    std::map<wire::Ipv4Prefix, std::vector<RibRoute>> all;
    for (const auto& [destination, by_source] : routes_) {
        auto& list = all[destination];
        for (const auto& [source, route] : by_source) list.push_back(route);
        std::sort(list.begin(), list.end(), better);
    }
    return all;
}

}  // namespace emu::router
