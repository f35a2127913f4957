#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/ospf.hpp"
#include "nodes/router/ospf_exchange.hpp"
#include "nodes/router/ospf_interface.hpp"
#include "nodes/router/ospf_lsdb.hpp"
#include "nodes/router/ospf_spf.hpp"

namespace emu::router {

/// OSPF-lite's settings (emud writes them from `services: ospf:`).
struct OspfConfig {
    wire::Ipv4Address router_id;
    std::vector<OspfInterfaceConfig> interfaces;
    /// RxmtInterval (§C.3): unacknowledged LSAs, DBDs and requests go again after this.
    std::chrono::seconds retransmit_interval{5};
    /// MinLSInterval (§B): one router's LSA is originated at most this often. RFC 5 s; labs 0.
    std::chrono::milliseconds min_ls_interval{5000};
    /// MinLSArrival (§B): a new instance of an LSA sooner than this after the last is dropped.
    std::chrono::milliseconds min_ls_arrival{1000};
    /// LSRefreshTime (§B): our LSAs are originated again this often, so they never age out.
    std::chrono::seconds ls_refresh_time{1800};
};

/// A packet the engine wants sent out of `interface` to `destination` (AllSPFRouters,
/// AllDRouters or a neighbour's address).
struct OspfSend {
    std::string interface;
    wire::Ipv4Address destination;
    wire::OspfPacket packet;
};

/// Something that happened, for the node's log.
struct OspfEvent {
    std::string name;
    std::string text;
};

/// OSPFv2 for one area, the backbone (RFC 2328), as a pure engine: packets, interface
/// changes and the time come in; packets to send, the routing table and log events come
/// out. Each interface runs the Hello protocol (OspfInterface); each adjacency its database
/// exchange (DatabaseExchange); the LSDB takes what is flooded (§13), acknowledged and
/// retransmitted per neighbour; the router originates its router-LSA and, as DR, the
/// network's network-LSA (§12.4); SPF (§16.1) runs when what the LSDB says changes.
class OspfEngine {
public:
    using Clock = std::chrono::steady_clock;
    using Time = Clock::time_point;

    OspfEngine(OspfConfig config, std::uint32_t random_seed);
    ~OspfEngine();

    void interface_up(const std::string& name, Time now);
    void interface_down(const std::string& name, Time now);
    /// A packet that arrived on `interface` from `source` to `destination` (the IP header's).
    void receive(const std::string& interface, wire::Ipv4Address source, wire::Ipv4Address destination,
                 const wire::OspfPacket& packet, Time now);
    /// Runs what is due by `now`.
    void advance(Time now);
    Time next_deadline() const;

    std::vector<OspfSend> take_sends();
    std::vector<OspfEvent> take_events();
    /// The routes of the last SPF run, and whether they changed since the last call.
    const std::vector<OspfRoute>& routes() const { return routes_; }
    bool take_routes_changed();

    const Lsdb& lsdb() const { return lsdb_; }
    const OspfConfig& config() const { return config_; }
    /// Every interface's Hello protocol state (for `show ospf neighbors`).
    std::vector<const OspfInterface*> interfaces() const;

    struct Counters {
        std::uint64_t packets_ignored = 0;
        std::uint64_t lsas_received = 0;
        std::uint64_t lsas_flooded = 0;
        std::uint64_t retransmissions = 0;
        std::uint64_t spf_runs = 0;
    };
    const Counters& counters() const { return counters_; }

private:
    struct Adjacency;
    struct Port;

    Port* find_port(const std::string& name);
    DatabaseExchange::Settings exchange_settings(const Port& port, wire::Ipv4Address neighbour) const;
    void sync_adjacencies(Port& port, Time now);
    void adjacency_outcome(Port& port, wire::Ipv4Address id, Adjacency& adjacency, DatabaseExchange::Outcome outcome,
                           Time now);
    /// Whether any adjacency is in Exchange or Loading (§13 (4), §14 keep MaxAge LSAs then).
    bool any_exchanging() const;
    void receive_dbd(Port& port, Adjacency& adjacency, const wire::OspfDatabaseDescription& packet, Time now);
    void receive_request(Port& port, wire::Ipv4Address id, Adjacency& adjacency,
                         const wire::OspfLinkStateRequest& packet, Time now);
    void receive_update(Port& port, wire::Ipv4Address source, wire::Ipv4Address router_id,
                        const wire::OspfLinkStateUpdate& packet, Time now);
    void receive_ack(Port& port, wire::Ipv4Address router_id, const wire::OspfLinkStateAck& packet);
    /// §13.3: sends `lsa` out of every interface where a neighbour needs it, keeping it on their
    /// retransmission lists; `from` is the neighbour it came from (none when it is ours). True
    /// when it went back out of the interface it came in on.
    bool flood(const wire::Lsa& lsa, const Port* arrived_on, std::optional<wire::Ipv4Address> from, Time now);
    /// An instance that every adjacency's request list may have been waiting for (§10.9).
    void lsa_arrived(const wire::LsaHeader& header, Time now);
    /// Sends `lsas` to `destination` in as many updates as the interface's MTU needs.
    void send_updates(const Port& port, wire::Ipv4Address destination, std::vector<wire::Lsa> lsas);
    /// Our router-LSA and, where we are DR, network-LSAs, if what they would say changed.
    void originate();
    void originate_now(Time now);
    void install_own(wire::Lsa lsa, Time now);
    /// §13.4: an instance of our own LSA newer than ours came back (we restarted).
    void own_lsa_came_back(const wire::Lsa& lsa, Time now);
    void send(const Port& port, wire::Ipv4Address destination, wire::OspfPacket::Body body);
    wire::Ipv4Address flood_destination(const Port& port) const;
    void run_spf(Time now);
    void log(const char* name, std::string text);

    OspfConfig config_;
    std::uint32_t next_dd_sequence_;
    std::vector<std::unique_ptr<Port>> ports_;
    Lsdb lsdb_;
    std::uint32_t router_lsa_sequence_ = wire::LsaHeader::kInitialSequence - 1;
    std::map<wire::Ipv4Address, std::uint32_t> network_lsa_sequence_;  ///< by our interface address
    std::optional<Time> last_origination_;
    std::uint64_t originations_ = 0;
    Time last_now_{};
    bool origination_wanted_ = false;
    Time refresh_at_ = Time::max();
    bool spf_wanted_ = false;
    std::vector<OspfRoute> routes_;
    bool routes_changed_ = false;
    std::vector<OspfSend> sends_;
    std::vector<OspfEvent> events_;
    Counters counters_;
};

}  // namespace emu::router
