#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/ospf.hpp"
#include "nodes/router/ospf_lsdb.hpp"

namespace emu::router {

/// The database exchange with one neighbour (RFC 2328 §10.6–§10.9), from ExStart to Full:
/// master and slave agreed by router ID, each side's LSA headers sent in Database
/// Description packets that the slave acknowledges by echoing the master's sequence number,
/// the LSAs found missing or older asked for in Link State Requests, each resent every
/// RxmtInterval until answered. Pure: the engine hands it packets, LSA arrivals and the
/// time, and sends what it asks for.
class DatabaseExchange {
public:
    using Clock = std::chrono::steady_clock;
    using Time = Clock::time_point;

    enum class Phase { exstart, exchange, loading, full };

    /// What a received packet or an arrival did to the adjacency.
    enum class Outcome {
        none,
        negotiation_done,  ///< master and slave agreed: ExStart → Exchange
        full,              ///< nothing (more) to request: Exchange or Loading → Full
        loading,           ///< the summaries are done but LSAs are still awaited: Exchange → Loading
        restart,           ///< SeqNumberMismatch (§10.3): back to ExStart, `reason()` says why
        refused,           ///< a packet dropped without effect, `reason()` says why (an MTU too big)
    };

    struct Settings {
        wire::Ipv4Address own_router_id;
        wire::Ipv4Address neighbour_router_id;
        /// The interface's MTU: what our DBDs say, and the most a neighbour's may say (§10.6).
        std::uint16_t interface_mtu = 1500;
        std::chrono::seconds retransmit_interval{5};
    };

    /// Starts in ExStart with `initial_sequence` (§10.8: unique each time; the time of day
    /// serves), sending the empty I/M/MS packet at once and then every RxmtInterval.
    DatabaseExchange(Settings settings, std::uint32_t initial_sequence, Time now);

    /// A Database Description from the neighbour; `lsdb` is ours, to compare its headers with.
    Outcome receive(const wire::OspfDatabaseDescription& packet, const Lsdb& lsdb, Time now);
    /// An LSA that arrived (in an update) or was installed: it answers a request for it when
    /// it is that instance or a newer one (§10.9).
    Outcome lsa_arrived(const wire::LsaHeader& header, Time now);
    /// Resends an unacknowledged DBD (as master) and unanswered requests, when due.
    void advance(Time now);
    Time next_deadline() const;

    /// The DBDs to send to the neighbour since the last call.
    std::vector<wire::OspfDatabaseDescription> take_descriptions();
    /// The Link State Requests to send (each a packet's worth).
    std::vector<wire::OspfLinkStateRequest> take_requests();

    Phase phase() const { return phase_; }
    bool is_master() const { return master_; }
    /// Why the last `restart` or `refused` happened.
    const std::string& reason() const { return reason_; }
    /// The LSAs still asked for.
    std::size_t requests_outstanding() const { return requests_.size(); }

private:
    Outcome mismatch(std::string why);
    /// Adds the neighbour's headers that we lack or hold older to the request list (§10.6).
    bool take_headers(const std::vector<wire::LsaHeader>& headers, const Lsdb& lsdb, Time now);
    /// The next DBD with as many of our headers as fit, M set while more remain.
    void send_next(Time now);
    void resend_last(Time now);
    void send_requests(Time now);
    Outcome summaries_done(Time now);

    Settings settings_;
    Phase phase_ = Phase::exstart;
    bool master_ = true;  ///< every router starts out claiming master (§10.8)
    std::uint32_t sequence_ = 0;
    /// Our headers not yet sent (§10.3: the Database summary list).
    std::vector<wire::LsaHeader> summary_;
    bool neighbour_more_ = true;  ///< the neighbour's last DBD had M set
    std::optional<wire::OspfDatabaseDescription> last_sent_;
    std::optional<wire::OspfDatabaseDescription> last_received_;
    Time resend_at_ = Time::max();
    /// §10.3 Link state request list: what we ask for, by LSA, with the instance seen.
    std::map<LsaKey, wire::LsaHeader> requests_;
    Time request_resend_at_ = Time::max();
    /// The requests of the last LSR sent: the next goes when they are all answered.
    std::vector<LsaKey> in_flight_;
    std::string reason_;
    std::vector<wire::OspfDatabaseDescription> descriptions_;
    std::vector<wire::OspfLinkStateRequest> request_packets_;
};

}  // namespace emu::router
