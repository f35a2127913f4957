#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "emud/topology/model.hpp"
#include "lib/wire/arp.hpp"

namespace emu::trace {

/// Which node holds which IPv4 address, so the trace can name the two ends of a packet's
/// whole path and not only the hop it is on: the addresses the topology gives, and those a
/// node claims on the wire (its ARP sender address, for one it got by DHCP). Written by the
/// capture thread, read by the control socket's.
class AddressBook {
public:
    /// Starts with the static IPv4 addresses of the lab's nodes (not of switches).
    explicit AddressBook(const topology::Lab& lab);

    /// The node that sent this ARP claims its sender address (RFC 826: every ARP packet,
    /// request or reply, carries the sender's own pair). `owner` names the node of the
    /// sender MAC; an unknown MAC or 0.0.0.0 (an RFC 5227 probe) teaches nothing.
    void learn(const wire::ArpPacket& arp, const std::string& owner);

    /// The node holding `address` ("10.0.1.10"), if any.
    std::optional<std::string> owner_of(const std::string& address) const;

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::string> owners_;
};

}  // namespace emu::trace
