#include "nodes/router/ospf_interface.hpp"

#include <algorithm>

namespace emu::router {
namespace {

using wire::Ipv4Address;

std::chrono::seconds seconds(std::uint32_t count) { return std::chrono::seconds(count); }

}  // namespace

const char* to_string(OspfInterfaceState state) {
    switch (state) {
        case OspfInterfaceState::down: return "Down";
        case OspfInterfaceState::waiting: return "Waiting";
        case OspfInterfaceState::point_to_point: return "Point-to-point";
        case OspfInterfaceState::dr_other: return "DROther";
        case OspfInterfaceState::backup: return "Backup";
        case OspfInterfaceState::dr: return "DR";
    }
    return "?";
}

const char* to_string(OspfNeighbourState state) {
    switch (state) {
        case OspfNeighbourState::down: return "Down";
        case OspfNeighbourState::init: return "Init";
        case OspfNeighbourState::two_way: return "2-Way";
        case OspfNeighbourState::exstart: return "ExStart";
        case OspfNeighbourState::exchange: return "Exchange";
        case OspfNeighbourState::loading: return "Loading";
        case OspfNeighbourState::full: return "Full";
    }
    return "?";
}

OspfInterface::OspfInterface(OspfInterfaceConfig config, Ipv4Address router_id)
    : config_(std::move(config)), router_id_(router_id) {}

void OspfInterface::log(const char* name, std::string text) { events_.push_back({name, std::move(text)}); }

void OspfInterface::up(Time now) {
    if (state_ != OspfInterfaceState::down) return;
    next_hello_ = now;  // the first Hello goes at once
    if (config_.passive && config_.type == OspfNetworkType::broadcast) {
        // No Hellos, so no other router: it is the network's DR (as FRR shows a passive LAN).
        state_ = OspfInterfaceState::dr;
        dr_ = config_.address.address;
    } else if (config_.type == OspfNetworkType::point_to_point) {
        state_ = OspfInterfaceState::point_to_point;
    } else if (config_.priority == 0) {
        state_ = OspfInterfaceState::dr_other;
    } else {
        // §9.3 InterfaceUp: wait RouterDeadInterval, so as not to take over from a DR that is there.
        state_ = OspfInterfaceState::waiting;
        wait_until_ = now + seconds(config_.dead_interval);
    }
    log("ospf.interface_up", config_.name + " " + to_string(state_));
}

void OspfInterface::down(Time /*now*/) {
    if (state_ == OspfInterfaceState::down) return;
    for (auto& [id, neighbour] : neighbours_) {
        log("ospf.neighbor_down", id.to_string() + " " + config_.name + " (interface down)");
    }
    neighbours_.clear();
    state_ = OspfInterfaceState::down;
    dr_ = bdr_ = Ipv4Address{};
    wait_until_.reset();
    log("ospf.interface_down", config_.name);
}

void OspfInterface::set_neighbour_state(OspfNeighbour& neighbour, OspfNeighbourState state) {
    if (neighbour.state == state) return;
    log("ospf.neighbor_state", neighbour.router_id.to_string() + " " + config_.name + " " + to_string(neighbour.state) +
                                   " -> " + to_string(state));
    neighbour.state = state;
}

bool OspfInterface::should_be_adjacent(const OspfNeighbour& neighbour) const {
    if (config_.type == OspfNetworkType::point_to_point) return true;
    const auto own = config_.address.address;
    return dr_ == own || bdr_ == own || dr_ == neighbour.address || bdr_ == neighbour.address;
}

void OspfInterface::receive_hello(Ipv4Address source, Ipv4Address router_id, const wire::OspfHello& hello, Time now) {
    if (state_ == OspfInterfaceState::down || config_.passive) return;
    // §10.5: the parameters that must agree, or there is no neighbour.
    auto refuse = [&](const std::string& why) {
        log("ospf.hello_refused", "from " + router_id.to_string() + " (" + source.to_string() + ") on " + config_.name +
                                      ": " + why);
    };
    if (config_.type == OspfNetworkType::broadcast && hello.network_mask != wire::ipv4_mask(config_.address.length)) {
        return refuse("network mask " + hello.network_mask.to_string() + ", ours " +
                      wire::ipv4_mask(config_.address.length).to_string());
    }
    if (hello.hello_interval != config_.hello_interval) {
        return refuse("HelloInterval " + std::to_string(hello.hello_interval) + ", ours " +
                      std::to_string(config_.hello_interval));
    }
    if (hello.dead_interval != config_.dead_interval) {
        return refuse("RouterDeadInterval " + std::to_string(hello.dead_interval) + ", ours " +
                      std::to_string(config_.dead_interval));
    }
    if ((hello.options & wire::ospf_option::kExternal) == 0) {
        return refuse("E bit clear: a stub area's router (OSPF-lite runs the backbone only)");
    }
    if (router_id == router_id_) return refuse("our own router ID");

    auto [it, fresh] = neighbours_.try_emplace(router_id);
    auto& neighbour = it->second;
    const auto previous = neighbour;
    neighbour.router_id = router_id;
    neighbour.address = source;
    neighbour.priority = hello.priority;
    neighbour.declared_dr = hello.designated_router;
    neighbour.declared_bdr = hello.backup_designated_router;
    neighbour.last_heard = now;
    const bool newly_heard = fresh || neighbour.state == OspfNeighbourState::down;
    if (newly_heard) {
        log("ospf.neighbor_heard", router_id.to_string() + " at " + source.to_string() + " on " + config_.name);
        set_neighbour_state(neighbour, OspfNeighbourState::init);
    }
    const bool lists_us = std::find(hello.neighbors.begin(), hello.neighbors.end(), router_id_) != hello.neighbors.end();
    // A router just heard gets our next Hello now rather than at the next HelloInterval, so
    // that a link coming up is 2-Way in one round trip (§9.5 sets the periodic Hellos and does
    // not forbid an early one; FRR does the same). Only on first contact, so two routers
    // cannot answer each other's answers; routers heard together get one Hello.
    if (newly_heard) next_hello_ = std::min(next_hello_, now);
    bool changed = false;
    if (lists_us && neighbour.state == OspfNeighbourState::init) {
        // 2-WayReceived (§10.3): the neighbour hears us too.
        set_neighbour_state(neighbour, OspfNeighbourState::two_way);
        changed = true;
    } else if (!lists_us && neighbour.state >= OspfNeighbourState::two_way) {
        // 1-WayReceived: it no longer hears us; the adjacency, if any, is gone.
        set_neighbour_state(neighbour, OspfNeighbourState::init);
        changed = true;
    }
    if (config_.type == OspfNetworkType::broadcast) {
        // §10.5: a neighbour that says it is BDR, or DR with no BDR, ends our waiting (BackupSeen).
        const bool says_backup = hello.backup_designated_router == source;
        const bool says_dr_alone = hello.designated_router == source && hello.backup_designated_router == Ipv4Address{};
        if (state_ == OspfInterfaceState::waiting && lists_us && (says_backup || says_dr_alone)) {
            wait_until_.reset();
            log("ospf.backup_seen", config_.name + " from " + router_id.to_string());
            elect(now);
            changed = false;
        }
        // A change in what it declares, or in its priority, is a NeighborChange.
        auto declared = [&](const OspfNeighbour& n, Ipv4Address role) { return role == n.address; };
        if (!fresh && (previous.priority != neighbour.priority ||
                       declared(previous, previous.declared_dr) != declared(neighbour, neighbour.declared_dr) ||
                       declared(previous, previous.declared_bdr) != declared(neighbour, neighbour.declared_bdr))) {
            changed = true;
        }
    }
    if (changed) neighbour_changed(now);
}

void OspfInterface::neighbour_changed(Time now) {
    if (state_ == OspfInterfaceState::dr || state_ == OspfInterfaceState::backup ||
        state_ == OspfInterfaceState::dr_other) {
        elect(now);
    }
    // §10.4 (AdjOK?): begin an adjacency where one is now wanted, end it where it is not.
    for (auto& [id, neighbour] : neighbours_) {
        if (neighbour.state == OspfNeighbourState::two_way && should_be_adjacent(neighbour)) {
            set_neighbour_state(neighbour, OspfNeighbourState::exstart);
        } else if (neighbour.state >= OspfNeighbourState::exstart && !should_be_adjacent(neighbour)) {
            set_neighbour_state(neighbour, OspfNeighbourState::two_way);
        }
    }
}

void OspfInterface::elect(Time now) {
    if (config_.type != OspfNetworkType::broadcast) return;
    std::vector<ElectionCandidate> candidates;
    for (const auto& [id, neighbour] : neighbours_) {
        if (neighbour.state < OspfNeighbourState::two_way) continue;
        candidates.push_back(
            {neighbour.router_id, neighbour.address, neighbour.priority, neighbour.declared_dr, neighbour.declared_bdr});
    }
    const auto own = config_.address.address;
    auto result = elect_designated_routers({router_id_, own, config_.priority, dr_, bdr_}, candidates);
    const auto before = state_;
    const bool changed = result.dr != dr_ || result.bdr != bdr_;
    dr_ = result.dr;
    bdr_ = result.bdr;
    state_ = dr_ == own ? OspfInterfaceState::dr : bdr_ == own ? OspfInterfaceState::backup : OspfInterfaceState::dr_other;
    if (changed || before != state_) {
        log("ospf.dr_elected", config_.name + " dr=" + dr_.to_string() + " bdr=" + bdr_.to_string() + " (we are " +
                                   to_string(state_) + ")");
    }
    if (before == OspfInterfaceState::waiting) neighbour_changed(now);
}

void OspfInterface::send_hello(Time /*now*/) {
    wire::OspfHello hello;
    hello.network_mask = wire::ipv4_mask(config_.address.length);
    hello.hello_interval = config_.hello_interval;
    hello.dead_interval = config_.dead_interval;
    hello.options = wire::ospf_option::kExternal;
    hello.priority = config_.priority;
    hello.designated_router = dr_;
    hello.backup_designated_router = bdr_;
    for (const auto& [id, neighbour] : neighbours_) {
        if (neighbour.state >= OspfNeighbourState::init) hello.neighbors.push_back(id);
    }
    hellos_.push_back(std::move(hello));
}

void OspfInterface::advance(Time now) {
    if (state_ == OspfInterfaceState::down) return;
    // InactivityTimer (§10.3): unheard for RouterDeadInterval, a neighbour is gone.
    bool lost = false;
    for (auto it = neighbours_.begin(); it != neighbours_.end();) {
        if (now - it->second.last_heard >= seconds(config_.dead_interval)) {
            log("ospf.neighbor_down", it->first.to_string() + " " + config_.name + " (dead interval passed)");
            lost = lost || it->second.state >= OspfNeighbourState::two_way;
            it = neighbours_.erase(it);
        } else {
            ++it;
        }
    }
    if (wait_until_ && now >= *wait_until_) {
        wait_until_.reset();
        elect(now);  // WaitTimer
    } else if (lost) {
        neighbour_changed(now);
    }
    if (!config_.passive && now >= next_hello_) {
        send_hello(now);
        next_hello_ = now + seconds(config_.hello_interval);
    }
}

OspfInterface::Time OspfInterface::next_deadline() const {
    if (state_ == OspfInterfaceState::down) return Time::max();
    Time next = config_.passive ? Time::max() : next_hello_;
    if (wait_until_) next = std::min(next, *wait_until_);
    for (const auto& [id, neighbour] : neighbours_) {
        next = std::min(next, neighbour.last_heard + seconds(config_.dead_interval));
    }
    return next;
}

void OspfInterface::two_way_received(Ipv4Address router_id, Time now) {
    auto it = neighbours_.find(router_id);
    if (it == neighbours_.end() || it->second.state != OspfNeighbourState::init) return;
    set_neighbour_state(it->second, OspfNeighbourState::two_way);
    neighbour_changed(now);
}

void OspfInterface::set_adjacency_state(Ipv4Address router_id, OspfNeighbourState state) {
    auto it = neighbours_.find(router_id);
    if (it != neighbours_.end() && it->second.state >= OspfNeighbourState::exstart) set_neighbour_state(it->second, state);
}

bool OspfInterface::transit_network_ready() const {
    if (config_.type != OspfNetworkType::broadcast || state_ == OspfInterfaceState::waiting) return false;
    const bool we_are_dr = dr_ == config_.address.address;
    for (const auto& [id, neighbour] : neighbours_) {
        if (neighbour.state != OspfNeighbourState::full) continue;
        if (we_are_dr || neighbour.address == dr_) return true;
    }
    return false;
}

std::vector<wire::OspfHello> OspfInterface::take_hellos() { return std::exchange(hellos_, {}); }

std::vector<OspfInterfaceEvent> OspfInterface::take_events() { return std::exchange(events_, {}); }

}  // namespace emu::router
