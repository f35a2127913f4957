#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/ip_address.hpp"
#include "lib/wire/mac_address.hpp"

namespace emu::dhcp {

/// Seconds since the epoch: leases outlive the process, so their times are wall-clock times.
using UnixTime = std::int64_t;

enum class LeaseState { leased, released, declined };
std::string to_string(LeaseState state);
std::optional<LeaseState> lease_state_from(const std::string& text);

/// What the server has said about one address. A released or expired lease still names its
/// last client, so that client gets the same address back (RFC 2131 §4.3.1); a declined one
/// is held back until `expires`.
struct Lease {
    wire::Ipv4Address address;
    std::string client;  ///< the client's identity (client_identity())
    wire::MacAddress mac;
    std::string hostname;
    UnixTime expires = 0;
    LeaseState state = LeaseState::leased;

    bool operator==(const Lease&) const = default;
};

/// RFC 2131 §4.2: a client is its client identifier (option 61) when it sends one, else its
/// hardware type and address. "id:0102…" or "hw:1:02:00:…".
std::string client_identity(const std::vector<std::uint8_t>* client_identifier, std::uint8_t hardware_type,
                            const wire::MacAddress& mac);

/// The leases and the offers outstanding, indexed by address and by client. Pure: the time
/// is always given.
class LeaseTable {
public:
    explicit LeaseTable(std::vector<Lease> leases = {});

    /// The lease record of an address, whatever its state.
    const Lease* find(wire::Ipv4Address address) const;
    /// The address most recently leased to (or offered to) this client, if any.
    std::optional<wire::Ipv4Address> last_address_of(const std::string& client) const;

    /// True when nobody but `client` may have the address now: not leased to another and
    /// unexpired, not offered to another and still held, not declined and still held back.
    bool free_for(wire::Ipv4Address address, const std::string& client, UnixTime now) const;
    /// True when the address is leased to this client and the lease has not expired.
    bool leased_to(wire::Ipv4Address address, const std::string& client, UnixTime now) const;
    /// The client an unexpired offer of this address is held for, if any.
    std::optional<std::string> offered_to(wire::Ipv4Address address, UnixTime now) const;

    void hold_offer(wire::Ipv4Address address, const std::string& client, UnixTime until);
    void drop_offer(wire::Ipv4Address address);
    /// Drops every offer held for this client (it chose another server).
    void drop_offers_of(const std::string& client);
    /// Records a lease (any state) and returns it; the offer for its address goes.
    const Lease& put(Lease lease);

    std::vector<Lease> leases() const;
    std::size_t active_leases(UnixTime now) const;

private:
    struct Offer {
        std::string client;
        UnixTime until = 0;
    };
    std::map<std::uint32_t, Lease> by_address_;
    std::map<std::string, std::uint32_t> last_by_client_;
    std::map<std::uint32_t, Offer> offers_;
};

}  // namespace emu::dhcp
