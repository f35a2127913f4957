#pragma once

#include <vector>

#include "lib/net/asio.hpp"
#include "lib/net/link_sender.hpp"
#include "lib/net/udp_socket.hpp"
#include "nodes/dhcp_relay/relay_agent.hpp"

namespace emu::dhcp {

/// emu-dhcp-relay's I/O around the RelayAgent: UDP 67 on every interface; requests go to
/// the servers from port 67, replies onto the client link the way the client can take them.
class RelayLoop {
public:
    RelayLoop(asio::io_context& io, const RelayAgent& agent);
    asio::awaitable<void> run();

private:
    void handle(const net::InterfaceUdpSocket::Datagram& datagram);
    const RelayInterface* find(int ifindex, wire::Ipv4Address giaddr);
    void send(const RelayedMessage& message);

    const RelayAgent& agent_;
    net::InterfaceUdpSocket socket_;
    net::Ipv4LinkSender link_;
    std::vector<RelayInterface> interfaces_;
};

}  // namespace emu::dhcp
