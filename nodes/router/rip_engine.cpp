#include "nodes/router/rip_engine.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace emu::router {
namespace {

using wire::Ipv4Address;
using wire::Ipv4Prefix;
using wire::kRipInfinity;
using wire::RipMessage;

// §3.9.2: a destination a router may take from a neighbour. Not "this host" (0/8, except
// the default route), loopback (127/8), multicast (224/4) or reserved (240/4).
bool is_valid_destination(const Ipv4Prefix& destination) {
    const auto first_octet = destination.address.value >> 24;
    if (destination.length == 0) return destination.address == Ipv4Address{};
    return first_octet != 0 && first_octet != 127 && first_octet < 224;
}

std::string route_text(const RipRouteEntry& entry) {
    auto text = fmt::format("{} metric {}", entry.destination.to_string(), entry.metric);
    if (entry.origin == RipRouteEntry::Origin::learned) {
        text += fmt::format(" via {} {}", entry.next_hop.to_string(), entry.interface);
    }
    return text;
}

}  // namespace

RipEngine::RipEngine(RipConfig config, std::uint32_t random_seed) : config_(std::move(config)), random_(random_seed) {
    for (const auto& interface : config_.interfaces) interfaces_.push_back(InterfaceState{interface, false});
    for (const auto& route : config_.redistributed) {
        RipRouteEntry entry;
        entry.destination = route.destination.network();
        entry.metric = std::clamp<std::uint32_t>(route.metric, 1, kRipInfinity - 1);
        entry.origin = RipRouteEntry::Origin::redistributed;
        table_[entry.destination] = entry;
    }
}

bool RipEngine::interface_is_up(const std::string& name) const {
    return std::any_of(interfaces_.begin(), interfaces_.end(),
                       [&](const InterfaceState& interface) { return interface.config.name == name && interface.up; });
}

RipEngine::InterfaceState* RipEngine::find_interface(const std::string& name) {
    for (auto& interface : interfaces_) {
        if (interface.config.name == name) return &interface;
    }
    return nullptr;
}

bool RipEngine::is_own_address(Ipv4Address address) const {
    return std::any_of(interfaces_.begin(), interfaces_.end(),
                       [&](const InterfaceState& interface) { return interface.config.address.address == address; });
}

void RipEngine::log(const char* name, std::string text) { events_.push_back(RipEvent{name, std::move(text)}); }

std::vector<RipSend> RipEngine::take_sends() { return std::exchange(sends_, {}); }

std::vector<RipEvent> RipEngine::take_events() { return std::exchange(events_, {}); }

void RipEngine::start(Time now) {
    started_ = true;
    for (auto& interface : interfaces_) {
        if (!interface.up) continue;
        add_connected(interface);
        if (!interface.config.passive) request_table(interface.config.name);
    }
    // What this router has to say goes out at once; the regular cycle starts from here.
    send_update(now, false);
    schedule_regular_update(now);
}

void RipEngine::interface_up(const std::string& name, Time now) {
    auto* interface = find_interface(name);
    if (interface == nullptr || interface->up) return;
    interface->up = true;
    if (!started_) return;
    add_connected(*interface);
    log("rip.interface_up", name);
    if (!interface->config.passive) request_table(name);
    route_changed(now);
}

void RipEngine::interface_down(const std::string& name, Time now) {
    auto* interface = find_interface(name);
    if (interface == nullptr || !interface->up) return;
    interface->up = false;
    if (!started_) return;
    log("rip.interface_down", name);
    // Its network and every route through it are unreachable now (§3.10: the change is
    // announced on the other interfaces by a triggered update).
    for (auto& [destination, entry] : table_) {
        if (entry.interface == name && entry.reachable()) make_unreachable(entry, now, "rip.route_lost", name + " down");
    }
    route_changed(now);
}

void RipEngine::add_connected(const InterfaceState& interface) {
    RipRouteEntry entry;
    entry.destination = interface.config.address.network();
    entry.metric = 1;  // RFC 2453 §3.6: a directly connected network costs one hop
    entry.origin = RipRouteEntry::Origin::connected;
    entry.interface = interface.config.name;
    entry.changed = true;
    table_[entry.destination] = entry;
}

void RipEngine::make_unreachable(RipRouteEntry& entry, Time now, const char* event, const std::string& why) {
    entry.metric = kRipInfinity;
    entry.expires.reset();
    entry.forgotten_at = now + config_.timers.garbage;
    entry.changed = true;
    ask_pending_ = true;
    log(event, fmt::format("{} ({})", entry.destination.to_string(), why));
}

void RipEngine::receive(const std::string& interface_name, Ipv4Address source, std::uint16_t source_port,
                        const RipMessage& message, Time now) {
    auto* interface = find_interface(interface_name);
    if (interface == nullptr || !interface->up || !started_) return;
    // Our own multicast, looped back: not a neighbour.
    if (is_own_address(source)) return;
    auto ignore = [&](const std::string& why) {
        ++counters_.ignored_messages;
        log("rip.message_ignored", fmt::format("from {} on {}: {}", source.to_string(), interface_name, why));
    };
    // RFC 2453 §4.1 and §5.1: a router that does not authenticate drops authenticated RIPv2
    // messages, and one that speaks RIPv2 only ignores version 1.
    if (message.authentication) return ignore("authenticated, and authentication is not configured");
    if (message.version != 2) return ignore(fmt::format("version {}", message.version));
    if (message.command == wire::rip_command::kRequest) {
        receive_request(*interface, source, source_port, message);
        return;
    }
    // §3.9.2: a response counts only from the RIP port and from a neighbour on this network.
    if (source_port != RipMessage::kPort) return ignore(fmt::format("response from port {}", source_port));
    if (!interface->config.address.contains(source)) {
        return ignore(fmt::format("not on {}'s network {}", interface_name, interface->config.address.network().to_string()));
    }
    receive_response(*interface, source, message, now);
}

void RipEngine::receive_request(const InterfaceState& interface, Ipv4Address source, std::uint16_t source_port,
                                const RipMessage& message) {
    if (interface.config.passive || message.routes.empty()) return;  // §3.9.1: no entries, no response
    ++counters_.requests_answered;
    if (message.asks_for_whole_table()) {
        std::vector<const RipRouteEntry*> routes;
        for (const auto& [destination, entry] : table_) routes.push_back(&entry);
        advertise(interface, routes, source, source_port, true);
        return;
    }
    // A question about particular destinations (a diagnostic tool's): each answered with
    // what this router knows, split horizon not applied.
    RipMessage answer = message;
    answer.command = wire::rip_command::kResponse;
    for (auto& route : answer.routes) {
        Ipv4Prefix destination{route.address, wire::ipv4_mask_length(route.mask).value_or(32)};
        auto found = table_.find(destination);
        route.metric = found == table_.end() ? kRipInfinity : found->second.metric;
    }
    sends_.push_back({interface.config.name, source, source_port, std::move(answer)});
}

void RipEngine::receive_response(const InterfaceState& interface, Ipv4Address source, const RipMessage& message,
                                 Time now) {
    auto& neighbour = neighbours_[source];
    neighbour.interface = interface.config.name;
    neighbour.last_heard = now;
    ++neighbour.responses;
    bool any_changed = false;
    for (const auto& route : message.routes) {
        const auto length = wire::ipv4_mask_length(route.mask);
        Ipv4Prefix destination{route.address, length.value_or(0)};
        std::string bad;
        if (route.family != wire::RipRoute::kFamilyIpv4) {
            bad = fmt::format("address family {}", route.family);
        } else if (!length) {
            bad = fmt::format("mask {} is not contiguous", route.mask.to_string());
        } else if (!destination.is_network_address()) {
            bad = fmt::format("{} has host bits set", destination.to_string());
        } else if (!is_valid_destination(destination)) {
            bad = fmt::format("{} is not a destination", destination.to_string());
        } else if (route.metric < 1 || route.metric > kRipInfinity) {
            bad = fmt::format("metric {}", route.metric);
        }
        if (!bad.empty()) {
            ++counters_.bad_routes;
            ++neighbour.bad_routes;
            log("rip.route_ignored", fmt::format("from {}: {}", source.to_string(), bad));
            continue;
        }
        any_changed |= consider(interface, source, route, now);
    }
    if (any_changed) route_changed(now);
}

bool RipEngine::consider(const InterfaceState& interface, Ipv4Address source, const wire::RipRoute& route, Time now) {
    Ipv4Prefix destination{route.address, *wire::ipv4_mask_length(route.mask)};
    // §3.9.2: one more hop, at most infinity. §4.4: a next hop on this network is used as
    // given; anything else means "through the sender".
    const auto metric = std::min(route.metric + 1, kRipInfinity);
    const bool next_hop_usable = route.next_hop != Ipv4Address{} && interface.config.address.contains(route.next_hop) &&
                                 !is_own_address(route.next_hop);
    const auto next_hop = next_hop_usable ? route.next_hop : source;

    // Takes the route as this response gives it, its timeout started afresh.
    auto adopt = [&](RipRouteEntry& entry) {
        entry.metric = metric;
        entry.origin = RipRouteEntry::Origin::learned;
        entry.interface = interface.config.name;
        entry.next_hop = next_hop;
        entry.learned_from = source;
        entry.tag = route.route_tag;
        entry.expires = now + config_.timers.timeout;
        entry.forgotten_at.reset();
        entry.changed = true;
    };
    auto found = table_.find(destination);
    if (found == table_.end()) {
        if (metric >= kRipInfinity) return false;
        RipRouteEntry entry;
        entry.destination = destination;
        adopt(entry);
        log("rip.route_learned", route_text(entry));
        table_[destination] = entry;
        return true;
    }
    auto& entry = found->second;
    // Our own networks and what we redistribute are not taken from neighbours while they last.
    if (entry.origin != RipRouteEntry::Origin::learned && entry.reachable()) return false;
    const bool same_router = entry.origin == RipRouteEntry::Origin::learned && entry.learned_from == source &&
                             entry.interface == interface.config.name;
    if (same_router && entry.reachable()) entry.expires = now + config_.timers.timeout;
    if ((same_router && metric != entry.metric) || metric < entry.metric) {
        const bool was_reachable = entry.reachable();
        if (metric >= kRipInfinity) {
            // The deletion process starts only when the metric first becomes infinity.
            if (!was_reachable) return false;
            make_unreachable(entry, now, "rip.route_withdrawn", "from " + source.to_string());
            return true;
        }
        adopt(entry);
        log(was_reachable ? "rip.route_changed" : "rip.route_learned", route_text(entry));
        return true;
    }
    return false;
}

void RipEngine::route_changed(Time now) {
    if (!started_) return;
    // §3.10.1: at once, unless one went out less than the hold time ago; then one update
    // carries everything that changed meanwhile when the hold ends.
    if (!triggered_pending_) {
        if (now >= triggered_hold_until_) {
            send_update(now, true);
        } else {
            triggered_pending_ = true;
        }
    }
    ask_neighbours(now);
}

void RipEngine::ask_neighbours(Time now) {
    // A lost route's way round is known to some neighbour, which would say so only in its
    // next regular update (up to an update period away). A whole-table request may be sent
    // at any time and is answered at once (§3.9.1), so the way round is learned in a round
    // trip. Asked once per minimum hold, so a flapping link cannot make a request storm.
    if (!ask_pending_ || now < next_ask_allowed_) return;
    ask_pending_ = false;
    next_ask_allowed_ = now + config_.timers.triggered_hold_min;
    std::vector<std::string> asked;
    for (const auto& interface : interfaces_) {
        if (!interface.up || interface.config.passive) continue;
        request_table(interface.config.name);
        asked.push_back(interface.config.name);
    }
    if (!asked.empty()) log("rip.tables_requested", fmt::format("on {} (a route was lost)", fmt::join(asked, " ")));
}

void RipEngine::request_table(const std::string& interface) {
    sends_.push_back({interface, RipMessage::kMulticastGroup, RipMessage::kPort, RipMessage::whole_table_request()});
    ++counters_.requests_sent;
}

void RipEngine::send_update(Time now, bool only_changed) {
    std::vector<const RipRouteEntry*> routes;
    for (const auto& [destination, entry] : table_) {
        if (!only_changed || entry.changed) routes.push_back(&entry);
    }
    triggered_pending_ = false;
    if (routes.empty()) return;
    for (const auto& interface : interfaces_) {
        if (interface.up && !interface.config.passive) {
            advertise(interface, routes, RipMessage::kMulticastGroup, RipMessage::kPort, true);
        }
    }
    for (auto& [destination, entry] : table_) entry.changed = false;
    if (only_changed) {
        ++counters_.triggered_updates_sent;
        std::uniform_int_distribution<Duration::rep> hold(config_.timers.triggered_hold_min.count(),
                                                          config_.timers.triggered_hold_max.count());
        triggered_hold_until_ = now + Duration(hold(random_));
    } else {
        ++counters_.updates_sent;
        // §3.10.1: the hold keeps triggered updates from flooding the network; a regular
        // update has just said everything, so the next change may go at once (FRR's ripd
        // also ends the hold with each regular update).
        triggered_hold_until_ = now;
    }
}

void RipEngine::advertise(const InterfaceState& interface, const std::vector<const RipRouteEntry*>& routes,
                          Ipv4Address destination, std::uint16_t port, bool split_horizon) {
    RipMessage message;
    auto flush = [&] {
        if (message.routes.empty()) return;
        sends_.push_back({interface.config.name, destination, port, std::move(message)});
        message = RipMessage{};
    };
    for (const auto* entry : routes) {
        auto metric = entry->metric;
        if (split_horizon && entry->interface == interface.config.name) {
            // §3.4.3: the network this interface is on needs no advertising on it, and a
            // route learned here goes back poisoned (or not at all).
            if (entry->origin == RipRouteEntry::Origin::connected) continue;
            if (!config_.poisoned_reverse) continue;
            metric = kRipInfinity;
        }
        wire::RipRoute route;
        route.route_tag = entry->tag;
        route.address = entry->destination.address;
        route.mask = wire::ipv4_mask(entry->destination.length);
        route.metric = metric;
        message.routes.push_back(route);
        if (message.routes.size() == RipMessage::kMaximumEntries) flush();
    }
    flush();
}

void RipEngine::schedule_regular_update(Time now) {
    // §3.8: every update period, offset each time by a random time of up to a sixth of it
    // (±5 s of 30), so that routers do not fall into step.
    const auto spread = config_.timers.update.count() / 6;
    std::uniform_int_distribution<Duration::rep> offset(-spread, spread);
    next_update_ = now + config_.timers.update + Duration(offset(random_));
}

void RipEngine::advance(Time now) {
    if (!started_) return;
    bool any_changed = false;
    for (auto it = table_.begin(); it != table_.end();) {
        auto& entry = it->second;
        if (entry.expires && *entry.expires <= now && entry.reachable()) {
            make_unreachable(entry, now, "rip.route_timed_out",
                             "nothing from " + entry.learned_from.to_string() + " for the timeout");
            any_changed = true;
        }
        if (entry.forgotten_at && *entry.forgotten_at <= now) {
            log("rip.route_forgotten", entry.destination.to_string());
            it = table_.erase(it);
            continue;
        }
        ++it;
    }
    if (now >= next_update_) {
        send_update(now, false);
        schedule_regular_update(now);
    } else if (any_changed) {
        route_changed(now);
    }
    if (triggered_pending_ && now >= triggered_hold_until_) send_update(now, true);
    ask_neighbours(now);
}

Time RipEngine::next_deadline() const {
    Time next = next_update_;
    if (triggered_pending_) next = std::min(next, triggered_hold_until_);
    if (ask_pending_) next = std::min(next, next_ask_allowed_);
    for (const auto& [destination, entry] : table_) {
        if (entry.expires && entry.reachable()) next = std::min(next, *entry.expires);
        if (entry.forgotten_at) next = std::min(next, *entry.forgotten_at);
    }
    return next;
}

std::vector<RipRouteEntry> RipEngine::usable_learned_routes() const {
    std::vector<RipRouteEntry> routes;
    for (const auto& [destination, entry] : table_) {
        if (entry.origin == RipRouteEntry::Origin::learned && entry.reachable()) routes.push_back(entry);
    }
    return routes;
}

}  // namespace emu::router
