#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/dhcp.hpp"

namespace emu::dhcp {

/// What the relay agent does (from a router's `services: dhcp-relay:`).
struct RelayConfig {
    std::vector<wire::Ipv4Address> servers;  ///< where client requests go, each one
    std::vector<std::string> client_interfaces;  ///< kernel names of the links with clients
    /// RFC 1542 §4.1.1: a request that has crossed more relays than this is dropped (at most
    /// 16; 4 is the RFC's default).
    std::uint8_t max_hops = 4;
};

/// One of the relay's interfaces with its IPv4 address.
struct RelayInterface {
    int ifindex = 0;
    std::string name;
    wire::Ipv4Address address;
};

/// A message the relay sends on.
struct RelayedMessage {
    wire::DhcpMessage message;
    enum class Kind {
        to_server,  ///< unicast to a server, port 67
        to_client,  ///< onto a client link, as `delivery` says, port 68
    } kind = Kind::to_server;
    wire::Ipv4Address server;        ///< for to_server
    int ifindex = 0;                 ///< for to_client: the client link
    wire::Ipv4Address source;        ///< our address on that link
    wire::ClientDelivery delivery;   ///< for to_client
};

/// The outcome of one message: what to send, and a stable event name for the log.
struct RelayDecision {
    std::vector<RelayedMessage> send;
    std::string event;
    std::string detail;
};

/// The relay agent's engine (RFC 2131 §4.1 and RFC 1542 §4, option 82 by RFC 3046): a
/// client's request from a client link goes to every server with giaddr set to our address
/// on that link and the link's name as circuit id; a server's reply to one of our giaddrs
/// goes back onto that link, option 82 removed, the way the client can receive it. Pure.
class RelayAgent {
public:
    explicit RelayAgent(RelayConfig config) : config_(std::move(config)) {}

    /// `arrived`: where it came in. `interfaces`: all of ours with an IPv4 address.
    RelayDecision handle(wire::DhcpMessage message, const RelayInterface& arrived,
                         const std::vector<RelayInterface>& interfaces) const;

    const RelayConfig& config() const { return config_; }

private:
    RelayDecision request(wire::DhcpMessage message, const RelayInterface& arrived) const;
    RelayDecision reply(wire::DhcpMessage message, const std::vector<RelayInterface>& interfaces) const;
    bool serves_clients_on(const std::string& interface) const;

    RelayConfig config_;
};

}  // namespace emu::dhcp
