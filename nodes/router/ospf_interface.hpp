#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/ipv4_prefix.hpp"
#include "lib/wire/ospf.hpp"
#include "nodes/router/ospf_election.hpp"

namespace emu::router {

/// The network types OSPF-lite runs on (§1.2): a LAN, with a DR, or a link with one router
/// at each end.
enum class OspfNetworkType { broadcast, point_to_point };

/// One interface's OSPF settings (emud writes them from `services: ospf:`).
struct OspfInterfaceConfig {
    std::string name;
    wire::Ipv4Prefix address;
    OspfNetworkType type = OspfNetworkType::broadcast;
    /// §9: 0 never DR or BDR.
    std::uint8_t priority = 1;
    /// Seconds; both must match the neighbours' exactly (§10.5).
    std::uint16_t hello_interval = 10;
    std::uint32_t dead_interval = 40;
    /// What leaving by this interface costs (§12.4.1).
    std::uint16_t cost = 10;
    /// Passive: its network is advertised, but no Hello goes out and none is listened to.
    bool passive = false;
    /// The interface's MTU: what DBDs say (§10.6), and how big an update may be.
    std::uint16_t mtu = 1500;
};

/// §9.1's interface states (Loopback aside).
enum class OspfInterfaceState { down, waiting, point_to_point, dr_other, backup, dr };
/// §10.1's neighbour states (Attempt is for NBMA networks, which OSPF-lite leaves out).
enum class OspfNeighbourState { down, init, two_way, exstart, exchange, loading, full };

const char* to_string(OspfInterfaceState state);
const char* to_string(OspfNeighbourState state);

/// A router heard on the interface.
struct OspfNeighbour {
    wire::Ipv4Address router_id;
    /// Its address on this network: where unicasts to it go, and how a LAN's DR is named.
    wire::Ipv4Address address;
    std::uint8_t priority = 0;
    wire::Ipv4Address declared_dr;
    wire::Ipv4Address declared_bdr;
    OspfNeighbourState state = OspfNeighbourState::down;
    std::chrono::steady_clock::time_point last_heard{};
};

/// Something that happened on the interface, for the node's log.
struct OspfInterfaceEvent {
    std::string name;  ///< "ospf.neighbor_up", "ospf.hello_refused", "ospf.dr_elected", …
    std::string text;
};

/// The Hello protocol on one interface (§9, §10.5): Hellos every HelloInterval, neighbours
/// from the Hellos heard (1-Way, 2-Way when they list us, gone after RouterDeadInterval),
/// and on a LAN the Waiting period and the DR/BDR election. A pure engine on an injected
/// clock; the database exchange that takes an adjacency from ExStart to Full builds on it.
class OspfInterface {
public:
    using Clock = std::chrono::steady_clock;
    using Time = Clock::time_point;

    OspfInterface(OspfInterfaceConfig config, wire::Ipv4Address router_id);

    /// InterfaceUp (§9.3): a point-to-point link is up at once; a LAN waits RouterDeadInterval
    /// to learn of a DR before it elects (a router of priority 0 never waits: it cannot be one).
    void up(Time now);
    /// InterfaceDown: every neighbour is gone.
    void down(Time now);

    /// A Hello from `source` (its interface address) sent by router `router_id`. Refused, and
    /// said why, when its mask (on a LAN), HelloInterval or RouterDeadInterval differ (§10.5).
    void receive_hello(wire::Ipv4Address source, wire::Ipv4Address router_id, const wire::OspfHello& hello, Time now);

    /// Runs what is due by `now`: a Hello, the end of Waiting, neighbours unheard too long.
    void advance(Time now);
    Time next_deadline() const;

    /// The Hellos to send (to AllSPFRouters) since the last call.
    std::vector<wire::OspfHello> take_hellos();
    std::vector<OspfInterfaceEvent> take_events();

    /// §10.4: whether an adjacency is to be formed with this neighbour: always on a
    /// point-to-point link; on a LAN when either end is DR or BDR.
    bool should_be_adjacent(const OspfNeighbour& neighbour) const;

    /// §10.6: a Database Description from a neighbour still in Init means it hears us (its
    /// Hello that says so has not come yet): 2-WayReceived, and an adjacency if one is wanted.
    void two_way_received(wire::Ipv4Address router_id, Time now);
    /// The database exchange moved a neighbour on (Exchange, Loading, Full) or back (ExStart).
    void set_adjacency_state(wire::Ipv4Address router_id, OspfNeighbourState state);
    /// Whether a neighbour in state Full is the network's DR (or we are DR with one Full
    /// neighbour): the network is then a transit network in our router-LSA (§12.4.1.2).
    bool transit_network_ready() const;

    const OspfInterfaceConfig& config() const { return config_; }
    OspfInterfaceState state() const { return state_; }
    wire::Ipv4Address dr() const { return dr_; }
    wire::Ipv4Address bdr() const { return bdr_; }
    const std::map<wire::Ipv4Address, OspfNeighbour>& neighbours() const { return neighbours_; }

private:
    /// §9.4 over the neighbours in 2-Way or higher; moves the interface to DR, Backup or DROther.
    void elect(Time now);
    /// A neighbour's state changed in a way that matters to the election (NeighborChange, §9.2).
    void neighbour_changed(Time now);
    void set_neighbour_state(OspfNeighbour& neighbour, OspfNeighbourState state);
    void send_hello(Time now);
    void log(const char* name, std::string text);

    OspfInterfaceConfig config_;
    wire::Ipv4Address router_id_;
    OspfInterfaceState state_ = OspfInterfaceState::down;
    wire::Ipv4Address dr_;
    wire::Ipv4Address bdr_;
    std::map<wire::Ipv4Address, OspfNeighbour> neighbours_;  ///< by router ID
    Time next_hello_{};
    std::optional<Time> wait_until_;
    std::vector<wire::OspfHello> hellos_;
    std::vector<OspfInterfaceEvent> events_;
};

}  // namespace emu::router
