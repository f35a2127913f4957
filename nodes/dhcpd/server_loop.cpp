#include "nodes/dhcpd/server_loop.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "lib/net/interface_addresses.hpp"

namespace emu::dhcp {
namespace {

UnixTime wall_clock_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// RFC 2131 §2: a client accepts 576 bytes at least; option 57 says how much more.
std::size_t maximum_size_for(const wire::DhcpMessage& request) {
    auto size = request.u16(wire::dhcp_option::kMaximumMessageSize).value_or(0);
    // The UDP payload, after 20 bytes of IPv4 and 8 of UDP header.
    return std::max<std::size_t>(wire::DhcpMessage::kDefaultMaximumSize, size) - 28;
}

}  // namespace

ServerLoop::ServerLoop(asio::io_context& io, DhcpServer& server, LeaseFile& leases)
    : server_(server), leases_(leases), socket_(io, wire::DhcpMessage::kServerPort) {
    // While a batch's leases go to disk, the next requests wait in the kernel: room for
    // thousands of them.
    socket_.set_receive_buffer(8 << 20);
}

asio::awaitable<void> ServerLoop::run() {
    while (true) {
        handle(co_await socket_.receive());
        for (std::size_t n = 1; n < kBatch; ++n) {
            auto more = socket_.try_receive();
            if (!more) break;
            handle(*more);
        }
        commit();
    }
}

void ServerLoop::commit() {
    bool durable = true;
    if (!changes_.empty()) {
        try {
            leases_.append(changes_);
        } catch (const std::exception& error) {
            // Not durable, so not promised: those replies are not sent; their clients ask again.
            spdlog::error("dhcp.lease_write_failed {} changes={}: {}", leases_.path().string(), changes_.size(),
                          error.what());
            durable = false;
        }
    }
    for (const auto& pending : pending_) {
        if (pending.durable_first && !durable) continue;
        send(pending.reply, pending.ifindex, pending.our_address, pending.limit);
    }
    changes_.clear();
    pending_.clear();
}

std::optional<ServerLoop::Interface> ServerLoop::interface_of(int ifindex) {
    if (auto it = interfaces_.find(ifindex); it != interfaces_.end()) return it->second;
    // Unknown: an interface that came up or got its address since we last looked.
    interfaces_.clear();
    for (const auto& entry : net::ipv4_interface_addresses()) {
        interfaces_.try_emplace(entry.ifindex, Interface{entry.interface, entry.address});
    }
    if (auto it = interfaces_.find(ifindex); it != interfaces_.end()) return it->second;
    return std::nullopt;
}

void ServerLoop::handle(const net::InterfaceUdpSocket::Datagram& datagram) {
    auto message = wire::parse_dhcp(datagram.bytes);
    if (!message) {
        server_.count_malformed();
        spdlog::warn("dhcp.drop.malformed from={}:{} {}", datagram.source.to_string(), datagram.source_port,
                     message.error().to_string());
        return;
    }
    auto interface = interface_of(datagram.ifindex);
    if (!interface) {
        spdlog::warn("dhcp.drop.no_address ifindex={}: the interface it came in on has no IPv4 address", datagram.ifindex);
        return;
    }
    auto limit = maximum_size_for(*message);
    auto decision = server_.handle({std::move(*message), interface->name, interface->address}, wall_clock_now());
    if (decision.event.rfind("dhcp.drop", 0) == 0 || decision.event == "dhcp.pool_exhausted") {
        spdlog::warn("{} {}", decision.event, decision.detail);
    } else {
        spdlog::info("{} {}", decision.event, decision.detail);
    }
    bool durable_first = !decision.changed.empty();
    changes_.insert(changes_.end(), decision.changed.begin(), decision.changed.end());
    if (decision.reply) {
        pending_.push_back({std::move(*decision.reply), datagram.ifindex, interface->address, limit, durable_first});
    }
}

void ServerLoop::send(const Reply& reply, int ifindex, wire::Ipv4Address our_address, std::size_t limit) {
    std::vector<std::uint8_t> bytes;
    wire::Writer out(bytes);
    if (!wire::write_dhcp(out, reply.message, limit)) {
        spdlog::warn("dhcp.reply_too_long xid=0x{:08x}: more than the client's {} bytes", reply.message.xid, limit);
    }
    bool sent = false;
    const auto& target = reply.target;
    switch (target.kind) {
        case ReplyTarget::Kind::relay:
        case ReplyTarget::Kind::client_ip:
            sent = socket_.send(bytes, target.ip, target.port);
            break;
        case ReplyTarget::Kind::broadcast:
            sent = socket_.send(bytes, target.ip, target.port, ifindex);
            break;
        case ReplyTarget::Kind::hardware:
            sent = link_.send(ifindex, target.mac,
                              {our_address, target.ip, wire::DhcpMessage::kServerPort, target.port}, bytes);
            break;
    }
    if (!sent) spdlog::warn("dhcp.send_failed to={}:{} xid=0x{:08x}", target.ip.to_string(), target.port, reply.message.xid);
}

}  // namespace emu::dhcp
