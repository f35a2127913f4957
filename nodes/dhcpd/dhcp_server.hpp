#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/dhcp.hpp"
#include "nodes/dhcpd/lease_table.hpp"
#include "nodes/dhcpd/server_config.hpp"

namespace emu::dhcp {

/// A message as the server's socket received it.
struct Received {
    wire::DhcpMessage message;
    std::string interface;                  ///< where it came in
    wire::Ipv4Address interface_address;    ///< our address there: the server identifier
};

/// Where a reply goes (RFC 2131 §4.1, the paragraphs on giaddr, ciaddr and the broadcast bit).
struct ReplyTarget {
    enum class Kind {
        relay,      ///< unicast to giaddr, port 67: the relay takes it from there
        client_ip,  ///< unicast to ciaddr, port 68: the client has a working address
        broadcast,  ///< 255.255.255.255 and ff:ff:ff:ff:ff:ff, port 68
        hardware,   ///< to yiaddr at chaddr, port 68, without ARP: the client cannot answer ARP yet
    };
    Kind kind = Kind::broadcast;
    wire::Ipv4Address ip;
    std::uint16_t port = wire::DhcpMessage::kClientPort;
    wire::MacAddress mac;  ///< for `hardware`
};

struct Reply {
    wire::DhcpMessage message;
    ReplyTarget target;
    std::string interface;  ///< send it out of the interface the request came in on
};

/// What handling one message came to. `changed` must be durable before `reply` is sent:
/// a restarted server then never hands out an address it has acknowledged.
struct Decision {
    std::optional<Reply> reply;
    std::vector<Lease> changed;
    std::string event;   ///< a stable name for the log: "dhcp.ack", "dhcp.pool_exhausted", …
    std::string detail;  ///< the rest of the log line
};

/// What the server has done, for `emu status` and the benchmarks.
struct ServerCounters {
    std::uint64_t received = 0;
    std::uint64_t offers = 0;
    std::uint64_t acks = 0;
    std::uint64_t naks = 0;
    std::uint64_t releases = 0;
    std::uint64_t declines = 0;
    std::uint64_t informs = 0;
    std::uint64_t exhausted = 0;  ///< DISCOVERs left unanswered: no address free
    std::uint64_t ignored = 0;    ///< not for us, or nothing to say (RFC 2131 says stay silent)
    std::uint64_t malformed = 0;  ///< refused by the parser or not a DHCP request at all
};

/// The DHCP server's protocol engine (RFC 2131 §4.3): messages and the time in, replies and
/// lease changes out. No sockets, no files, no clock of its own.
class DhcpServer {
public:
    DhcpServer(ServerConfig config, std::vector<Lease> leases);
    DhcpServer(const DhcpServer&) = delete;  // its cursors point into its own configuration
    DhcpServer& operator=(const DhcpServer&) = delete;

    Decision handle(const Received& received, UnixTime now);
    /// Counts a datagram that did not parse (the I/O layer saw it, the engine never does).
    void count_malformed() { ++counters_.malformed; }

    const ServerCounters& counters() const { return counters_; }
    const LeaseTable& table() const { return table_; }
    const ServerConfig& config() const { return config_; }

private:
    struct Client {
        std::string identity;
        const Subnet* subnet = nullptr;
    };

    Decision discover(const Received& received, const Client& client, UnixTime now);
    Decision request(const Received& received, const Client& client, UnixTime now);
    Decision decline(const Received& received, const Client& client, UnixTime now);
    Decision release(const Received& received, const Client& client, UnixTime now);
    Decision inform(const Received& received, const Client& client);

    std::optional<wire::Ipv4Address> choose_address(const Received& received, const Client& client, UnixTime now);
    std::optional<wire::Ipv4Address> reserved_for(const wire::MacAddress& mac, const Subnet& subnet) const;
    bool reserved_for_another(wire::Ipv4Address address, const wire::MacAddress& mac, const Subnet& subnet) const;
    Decision acknowledge(const Received& received, const Client& client, wire::Ipv4Address address, UnixTime now);
    Decision refuse(const Received& received, const std::string& why);
    Reply reply_to(const Received& received, wire::DhcpMessageType type, const Subnet* subnet) const;

    ServerConfig config_;
    LeaseTable table_;
    ServerCounters counters_;
    /// Per pool: every address below this has a lease record (so was handed out before).
    std::map<const Pool*, std::uint64_t> never_used_from_;
};

}  // namespace emu::dhcp
