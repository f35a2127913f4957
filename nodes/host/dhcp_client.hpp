#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "lib/wire/dhcp.hpp"

namespace emu::host {

/// Time on the client's clock: a steady clock in the program, a number in the tests.
using ClientTime = std::chrono::milliseconds;

/// The states of RFC 2131 §4.4, Figure 5. `rebooting` is the wait for an answer to the
/// REQUEST sent from INIT-REBOOT.
enum class DhcpClientState { init, selecting, requesting, bound, renewing, rebinding, init_reboot, rebooting };

/// "INIT", "SELECTING", … as RFC 2131 writes them.
std::string_view to_string(DhcpClientState state);

/// What an ACK gave the client.
struct DhcpLease {
    wire::Ipv4Address address;
    int prefix_length = 24;
    wire::Ipv4Address server;  ///< the server identifier (option 54): where renewals go
    std::vector<wire::Ipv4Address> routers;
    std::vector<wire::Ipv4Address> dns_servers;
    std::string domain;
    std::uint32_t lease_seconds = 0;   ///< 0xffffffff: infinite (RFC 2132 §9.2)
    std::uint32_t renew_seconds = 0;   ///< T1
    std::uint32_t rebind_seconds = 0;  ///< T2
    /// When the REQUEST that won it was first sent: the lease's times count from there
    /// (RFC 2131 §4.4.1), so they can only end early, never late.
    ClientTime start{0};

    bool infinite() const { return lease_seconds == 0xffffffffu; }
    ClientTime renew_at() const;
    ClientTime rebind_at() const;
    ClientTime expires_at() const;
    bool operator==(const DhcpLease&) const = default;
};

/// The client's settings; the defaults are RFC 2131's.
struct DhcpClientSettings {
    wire::MacAddress mac;
    std::string hostname;  ///< option 12, so the server's log and the trace name the node; empty: none
    /// §4.1: the first retransmission after 4 s, doubling up to 64 s, each ±1 s at random.
    ClientTime first_retransmit{4000};
    ClientTime longest_retransmit{64000};
    /// §4.4.5: in RENEWING and REBINDING, wait half the time left (to T2, to the end of the
    /// lease), but no less than this.
    ClientTime shortest_renew_retransmit{60000};
    /// REQUESTs sent in REQUESTING or REBOOTING before the client starts over from INIT
    /// (§3.1 step 5, §3.2 step 5: retransmit, then go back).
    int request_attempts = 4;
    /// Option 57: the longest message we take, from the interface's MTU less IPv4 and UDP headers.
    std::uint16_t maximum_message_size = 1472;
    std::uint64_t seed = 0;  ///< for transaction ids and the retransmission jitter
};

/// How a message leaves.
enum class DhcpPath {
    link_broadcast,  ///< a raw frame from 0.0.0.0:68 to 255.255.255.255:67 and ff:ff:ff:ff:ff:ff: no address yet
    udp_unicast,     ///< a UDP datagram from our address to the server's, port 67 (RENEWING, RELEASE)
    udp_broadcast,   ///< from our address to 255.255.255.255:67 (REBINDING)
};

struct DhcpSend {
    wire::DhcpMessage message;
    DhcpPath path = DhcpPath::link_broadcast;
    wire::Ipv4Address to;  ///< the server, for udp_unicast
};

/// What the I/O layer does after an event, in this order: send (a RELEASE leaves from the
/// address it gives up), remove the old lease's address and routes, apply the new one
/// (address, mask, default route, resolv.conf).
struct DhcpClientActions {
    std::optional<DhcpSend> send;
    std::optional<DhcpLease> remove;
    std::optional<DhcpLease> apply;
    std::string event;   ///< a stable name for the log ("dhcp.bound"); empty when nothing happened
    std::string detail;  ///< the rest of the log line
};

/// The DHCP client's protocol engine (RFC 2131 §4.4): messages and the time in, messages
/// to send and address changes out. No sockets, no clock of its own.
class DhcpClient {
public:
    /// With a `previous` address (a lease from before a restart that has not ended), it
    /// starts in INIT-REBOOT and asks for that address back (§3.2); else in INIT.
    explicit DhcpClient(DhcpClientSettings settings, std::optional<wire::Ipv4Address> previous = std::nullopt);

    /// Sends the first DISCOVER, or the INIT-REBOOT REQUEST.
    DhcpClientActions start(ClientTime now);
    /// A message that arrived on the client's port; anything not meant for us is ignored.
    DhcpClientActions receive(const wire::DhcpMessage& message, ClientTime now);
    /// Call at next_wakeup(): retransmissions, T1, T2, the end of the lease.
    DhcpClientActions wake(ClientTime now);
    /// Shutting down: a RELEASE to the server when there is a lease (§4.4.6), whose address
    /// and routes are then removed.
    DhcpClientActions release(ClientTime now);

    ClientTime next_wakeup() const { return wakeup_; }
    DhcpClientState state() const { return state_; }
    /// The lease in use (BOUND, RENEWING, REBINDING).
    const std::optional<DhcpLease>& lease() const { return lease_; }
    /// True while the interface has the lease's address: replies then come to a UDP socket,
    /// before that only a packet socket sees them.
    bool has_address() const { return lease_.has_value(); }
    std::uint32_t transaction_id() const { return xid_; }

private:
    DhcpClientActions discover(ClientTime now);
    DhcpClientActions request_offered(ClientTime now);
    DhcpClientActions request_previous(ClientTime now);
    DhcpClientActions request_extension(ClientTime now, bool broadcast);
    DhcpClientActions take_ack(const wire::DhcpMessage& ack);
    DhcpClientActions take_nak(const wire::DhcpMessage& nak, ClientTime now);
    /// Back to INIT (RFC 2131 §4.4, Figure 5): the lease, if any, to remove, and a DISCOVER.
    DhcpClientActions restart(ClientTime now, std::string event, std::string detail);
    /// Counts one more transmission of the current message and sends it from 0.0.0.0 to
    /// every host on the link (no address yet), the next one due after the backoff.
    DhcpClientActions broadcast_unconfigured(wire::DhcpMessage message, ClientTime now, const char* event,
                                             std::string detail);

    wire::DhcpMessage base_message(wire::DhcpMessageType type, ClientTime now) const;
    void add_request_options(wire::DhcpMessage& message) const;
    /// The next backoff interval (§4.1), from the number of transmissions so far.
    ClientTime backoff();
    /// §4.4.5: half the time left until `deadline`, at least the shortest, at most the deadline.
    ClientTime renew_retransmit(ClientTime now, ClientTime deadline) const;
    std::uint32_t new_xid() { return static_cast<std::uint32_t>(random_()); }

    DhcpClientSettings settings_;
    std::mt19937_64 random_;
    DhcpClientState state_ = DhcpClientState::init;
    std::optional<wire::Ipv4Address> previous_;
    std::optional<DhcpLease> lease_;
    std::uint32_t xid_ = 0;
    ClientTime exchange_start_{0};  ///< for the secs field (§2): since the client began acquiring
    ClientTime request_start_{0};   ///< when the current REQUEST was first sent
    int transmissions_ = 0;         ///< of the current message
    int consecutive_naks_ = 0;
    wire::Ipv4Address offered_;
    wire::Ipv4Address offering_server_;
    ClientTime wakeup_ = ClientTime::max();
};

}  // namespace emu::host
