#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/net/asio.hpp"
#include "lib/net/link_sender.hpp"
#include "lib/net/udp_socket.hpp"
#include "nodes/dhcpd/dhcp_server.hpp"
#include "nodes/dhcpd/lease_file.hpp"

namespace emu::dhcp {

/// emu-dhcpd's I/O around the engine: receives on UDP 67, hands each message to the
/// DhcpServer, makes its lease changes durable, and only then sends the reply, the way
/// RFC 2131 §4.1 says it must go. What has arrived together is decided together and made
/// durable with one fdatasync (a group commit), so a busy server pays for the disk once
/// per batch, not once per lease. A message that does not parse is dropped, counted and
/// logged; nothing a client sends stops the loop.
class ServerLoop {
public:
    ServerLoop(asio::io_context& io, DhcpServer& server, LeaseFile& leases);

    asio::awaitable<void> run();

    /// At most this many messages are decided before their leases are written and their
    /// replies sent.
    static constexpr std::size_t kBatch = 256;

private:
    struct Interface {
        std::string name;
        wire::Ipv4Address address;
    };
    struct Pending {
        Reply reply;
        int ifindex = 0;
        wire::Ipv4Address our_address;
        std::size_t limit = 0;
        bool durable_first = false;  ///< it acknowledges a lease change
    };

    void handle(const net::InterfaceUdpSocket::Datagram& datagram);
    void commit();
    /// `limit`: the most DHCP bytes the client takes (its option 57, or 576, less the headers).
    void send(const Reply& reply, int ifindex, wire::Ipv4Address our_address, std::size_t limit);
    std::optional<Interface> interface_of(int ifindex);

    DhcpServer& server_;
    LeaseFile& leases_;
    net::InterfaceUdpSocket socket_;
    net::Ipv4LinkSender link_;
    std::map<int, Interface> interfaces_;
    std::vector<Lease> changes_;    ///< of the batch, not yet on disk
    std::vector<Pending> pending_;  ///< replies of the batch, not yet sent
};

}  // namespace emu::dhcp
