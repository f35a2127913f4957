#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "lib/wire/ipv4_prefix.hpp"
#include "lib/wire/rip.hpp"

namespace emu::router {

using Clock = std::chrono::steady_clock;
using Time = Clock::time_point;
using Duration = Clock::duration;

/// RIP's timers (RFC 2453 §3.8). The RFC's defaults; a lab sets them in seconds so that it
/// converges in seconds.
struct RipTimers {
    Duration update = std::chrono::seconds(30);
    /// A learned route not refreshed for this long becomes unreachable.
    Duration timeout = std::chrono::seconds(180);
    /// An unreachable route is still advertised (metric 16) for this long, then forgotten.
    Duration garbage = std::chrono::seconds(120);
    /// §3.10.1: after a triggered update, the next waits a random time in this range.
    Duration triggered_hold_min = std::chrono::seconds(1);
    Duration triggered_hold_max = std::chrono::seconds(5);
};

/// One interface RIP runs on.
struct RipInterfaceConfig {
    std::string name;
    /// The interface's address and prefix length: the network it is on.
    wire::Ipv4Prefix address;
    /// Passive: its network is advertised elsewhere, but nothing is sent on it.
    bool passive = false;
};

/// A route from elsewhere (static, say) that RIP advertises as its own.
struct RipRedistributed {
    wire::Ipv4Prefix destination;
    std::uint32_t metric = 1;
};

struct RipConfig {
    std::vector<RipInterfaceConfig> interfaces;
    std::vector<RipRedistributed> redistributed;
    RipTimers timers;
    /// §3.4.3: a route is advertised back out of the interface it was learned on with
    /// metric 16 (poisoned reverse) rather than left out (plain split horizon).
    bool poisoned_reverse = true;
};

/// One message the engine wants sent.
struct RipSend {
    std::string interface;
    wire::Ipv4Address destination;  ///< 224.0.0.9, or whoever asked
    std::uint16_t port = wire::RipMessage::kPort;
    wire::RipMessage message;
};

/// One row of the RIP table: what `emu-router show rip` lists.
struct RipRouteEntry {
    enum class Origin { connected, redistributed, learned };

    wire::Ipv4Prefix destination;
    std::uint32_t metric = 0;
    Origin origin = Origin::learned;
    /// The interface the route leaves by.
    std::string interface;
    /// The router to forward to (learned routes): the advertiser or the next hop it named.
    wire::Ipv4Address next_hop;
    /// The router whose update set this route.
    wire::Ipv4Address learned_from;
    std::uint16_t tag = 0;
    /// When a learned route times out, unless refreshed.
    std::optional<Time> expires;
    /// When an unreachable route is forgotten (§3.8: the garbage-collection timer).
    std::optional<Time> forgotten_at;
    /// Changed since the last update went out: part of the next triggered update.
    bool changed = false;

    bool reachable() const { return metric < wire::kRipInfinity; }
};

/// A neighbour heard from: `emu-router show rip` lists them.
struct RipNeighbour {
    std::string interface;
    Time last_heard{};
    std::uint64_t responses = 0;
    std::uint64_t bad_routes = 0;
};

/// Counts of what the engine refused or did (§3.9.2's "ignore" cases are counted, not silent).
struct RipCounters {
    std::uint64_t ignored_messages = 0;
    std::uint64_t bad_routes = 0;
    std::uint64_t updates_sent = 0;
    std::uint64_t triggered_updates_sent = 0;
    std::uint64_t requests_sent = 0;
    std::uint64_t requests_answered = 0;
};

/// Something that happened to a route, for the node's log.
struct RipEvent {
    std::string name;  ///< "rip.route_learned", "rip.route_changed", "rip.route_timed_out", …
    std::string text;
};

/// RIPv2 (RFC 2453) as a pure engine: messages, interface changes and the time come in;
/// messages to send, the routing table and log events come out. The I/O layer calls
/// `advance` at `next_deadline()`.
class RipEngine {
public:
    RipEngine(RipConfig config, std::uint32_t random_seed);

    /// Starts on every interface that is up: a whole-table request on each (§3.9.1) and the
    /// first update soon after.
    void start(Time now);
    /// The interface came up or went down (netlink says so).
    void interface_up(const std::string& name, Time now);
    void interface_down(const std::string& name, Time now);
    /// A message that arrived on `interface` from `source`:`source_port`.
    void receive(const std::string& interface, wire::Ipv4Address source, std::uint16_t source_port,
                 const wire::RipMessage& message, Time now);
    /// Runs every timer due by `now`: route timeouts, garbage collection, updates.
    void advance(Time now);
    /// When `advance` has something to do next.
    Time next_deadline() const;

    /// The messages to send since the last call, in order.
    std::vector<RipSend> take_sends();
    /// The log events since the last call, in order.
    std::vector<RipEvent> take_events();

    /// The whole table, reachable or not, by destination.
    const std::map<wire::Ipv4Prefix, RipRouteEntry>& table() const { return table_; }
    /// The learned routes that can be used: what RIP offers the RIB.
    std::vector<RipRouteEntry> usable_learned_routes() const;
    const std::map<wire::Ipv4Address, RipNeighbour>& neighbours() const { return neighbours_; }
    const RipCounters& counters() const { return counters_; }
    const RipConfig& config() const { return config_; }
    bool interface_is_up(const std::string& name) const;

private:
    struct InterfaceState {
        RipInterfaceConfig config;
        bool up = false;
    };

    void receive_request(const InterfaceState& interface, wire::Ipv4Address source, std::uint16_t source_port,
                         const wire::RipMessage& message);
    void receive_response(const InterfaceState& interface, wire::Ipv4Address source, const wire::RipMessage& message,
                          Time now);
    /// §3.9.2 for one route of a response; true when the table changed.
    bool consider(const InterfaceState& interface, wire::Ipv4Address source, const wire::RipRoute& route, Time now);
    void add_connected(const InterfaceState& interface);
    void make_unreachable(RipRouteEntry& entry, Time now, const char* event, const std::string& why);
    void route_changed(Time now);
    /// Sends a whole-table request on every interface that speaks RIP, at most once per
    /// `triggered_hold_min`; a later call in that time waits for it.
    void ask_neighbours(Time now);
    /// Asks the neighbours on `interface` for their whole tables (§3.9.1).
    void request_table(const std::string& interface);
    void send_update(Time now, bool only_changed);
    /// The responses that advertise `routes` on `interface` (split horizon applied), to `destination`.
    void advertise(const InterfaceState& interface, const std::vector<const RipRouteEntry*>& routes,
                   wire::Ipv4Address destination, std::uint16_t port, bool split_horizon);
    void schedule_regular_update(Time now);
    void log(const char* name, std::string text);
    InterfaceState* find_interface(const std::string& name);
    bool is_own_address(wire::Ipv4Address address) const;

    RipConfig config_;
    std::vector<InterfaceState> interfaces_;
    std::map<wire::Ipv4Prefix, RipRouteEntry> table_;
    std::map<wire::Ipv4Address, RipNeighbour> neighbours_;
    RipCounters counters_;
    std::mt19937 random_;
    bool started_ = false;
    Time next_update_{};
    /// §3.10.1: no triggered update before this; one waits when a change comes sooner.
    Time triggered_hold_until_{};
    bool triggered_pending_ = false;
    /// A route was lost: the neighbours are asked for their tables (§3.9.1) no sooner than
    /// `next_ask_allowed_`.
    bool ask_pending_ = false;
    Time next_ask_allowed_{};
    std::vector<RipSend> sends_;
    std::vector<RipEvent> events_;
};

}  // namespace emu::router
