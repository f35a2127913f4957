#include "nodes/dhcp_relay/relay_loop.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "lib/net/interface_addresses.hpp"

namespace emu::dhcp {

RelayLoop::RelayLoop(asio::io_context& io, const RelayAgent& agent)
    : agent_(agent), socket_(io, wire::DhcpMessage::kServerPort) {}

asio::awaitable<void> RelayLoop::run() {
    while (true) {
        auto datagram = co_await socket_.receive();
        handle(datagram);
    }
}

const RelayInterface* RelayLoop::find(int ifindex, wire::Ipv4Address giaddr) {
    auto lookup = [&]() -> const RelayInterface* {
        auto it = std::find_if(interfaces_.begin(), interfaces_.end(),
                               [&](const RelayInterface& interface) { return interface.ifindex == ifindex; });
        bool giaddr_known = giaddr == wire::Ipv4Address{} ||
                            std::any_of(interfaces_.begin(), interfaces_.end(),
                                        [&](const RelayInterface& interface) { return interface.address == giaddr; });
        return it != interfaces_.end() && giaddr_known ? &*it : nullptr;
    };
    if (const auto* found = lookup()) return found;
    // Something new since we last looked (an address came up): read them again.
    interfaces_.clear();
    for (const auto& entry : net::ipv4_interface_addresses()) {
        bool seen = std::any_of(interfaces_.begin(), interfaces_.end(),
                                [&](const RelayInterface& interface) { return interface.ifindex == entry.ifindex; });
        if (!seen) interfaces_.push_back({entry.ifindex, entry.interface, entry.address});
    }
    return lookup();
}

void RelayLoop::handle(const net::InterfaceUdpSocket::Datagram& datagram) {
    auto message = wire::parse_dhcp(datagram.bytes);
    if (!message) {
        spdlog::warn("relay.drop.malformed from={}:{} {}", datagram.source.to_string(), datagram.source_port,
                     message.error().to_string());
        return;
    }
    const auto* arrived = find(datagram.ifindex, message->op == wire::DhcpMessage::kBootReply ? message->relay_address
                                                                                                : wire::Ipv4Address{});
    if (arrived == nullptr) {
        spdlog::warn("relay.drop.no_address ifindex={}: the interface has no IPv4 address", datagram.ifindex);
        return;
    }
    auto decision = agent_.handle(std::move(*message), *arrived, interfaces_);
    if (decision.event == "relay.drop.not_a_client_link") {
        spdlog::debug("{} {}", decision.event, decision.detail);  // clients the server hears itself
    } else if (decision.event.rfind("relay.drop", 0) == 0) {
        spdlog::warn("{} {}", decision.event, decision.detail);
    } else {
        spdlog::info("{} {}", decision.event, decision.detail);
    }
    for (const auto& out : decision.send) send(out);
}

void RelayLoop::send(const RelayedMessage& out) {
    std::vector<std::uint8_t> bytes;
    wire::Writer writer(bytes);
    wire::write_dhcp(writer, out.message, 0);
    bool sent = false;
    if (out.kind == RelayedMessage::Kind::to_server) {
        sent = socket_.send(bytes, out.server, wire::DhcpMessage::kServerPort);
    } else if (out.delivery.kind == wire::ClientDelivery::Kind::hardware) {
        sent = link_.send(out.ifindex, out.delivery.mac,
                          {out.source, out.delivery.ip, wire::DhcpMessage::kServerPort, wire::DhcpMessage::kClientPort},
                          bytes);
    } else {
        sent = socket_.send(bytes, out.delivery.ip, wire::DhcpMessage::kClientPort,
                            out.delivery.kind == wire::ClientDelivery::Kind::broadcast ? out.ifindex : 0);
    }
    if (!sent) spdlog::warn("relay.send_failed xid=0x{:08x}", out.message.xid);
}

}  // namespace emu::dhcp
