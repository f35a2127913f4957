#include "nodes/dnsd/server_loop.hpp"

#include <arpa/inet.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "lib/net/udp_batch.hpp"
#include "nodes/common/accept_next.hpp"

namespace emu::dns {
namespace {

std::string peer_text(const sockaddr_in& peer) {
    char address[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &peer.sin_addr, address, sizeof address);
    return fmt::format("{}:{}", address, ntohs(peer.sin_port));
}

}  // namespace

ServerLoop::ServerLoop(asio::io_context& io, Authority& authority, std::uint16_t port)
    : authority_(authority),
      udp_(io, asio::ip::udp::endpoint(asio::ip::address_v4::any(), port)),
      tcp_(io, asio::ip::tcp::endpoint(asio::ip::address_v4::any(), port)) {}

asio::awaitable<void> ServerLoop::run() {
    auto executor = co_await asio::this_coro::executor;
    std::exception_ptr tcp_failure;
    bool tcp_done = false;
    asio::co_spawn(executor, serve_tcp(), [&](std::exception_ptr failure) {
        tcp_failure = failure;
        tcp_done = true;
        udp_.cancel();
    });
    try {
        co_await serve_udp();
    } catch (const boost::system::system_error& error) {
        if (!tcp_done || !tcp_failure) throw;
    }
    if (tcp_failure) std::rethrow_exception(tcp_failure);
}

std::vector<std::uint8_t> ServerLoop::respond(wire::Bytes bytes, std::size_t limit, bool over_tcp,
                                              const std::string& peer) {
    auto query = wire::parse_dns(bytes);
    if (!query) {
        ++malformed_;
        spdlog::warn("dns.drop.malformed from={} {}", peer, query.error().to_string());
        auto formerr = authority_.format_error(bytes);
        if (!formerr) return {};
        return wire::write_dns_within(*formerr, limit);
    }
    auto answer = authority_.answer(*query);
    if (!answer) return {};
    const auto& question = query->questions.empty() ? wire::DnsQuestion{} : query->questions.front();
    spdlog::info("{} {} {} from={}{}", answer->event, question.name.to_string(), wire::dns_type_name(question.type), peer,
                 over_tcp ? " tcp" : "");
    // Over UDP, to what the client takes; over TCP, to what the length prefix can say.
    return wire::write_dns_within(answer->response, over_tcp ? 65535 : Authority::udp_limit(*query));
}

asio::awaitable<void> ServerLoop::serve_udp() {
    udp_.non_blocking(true);
    net::UdpBatch batch(udp_.native_handle());
    while (true) {
        co_await udp_.async_wait(asio::ip::udp::socket::wait_read, asio::use_awaitable);
        // Batches until the socket is drained, but not forever: TCP clients get their turn.
        for (int round = 0; round < kUdpBatchesPerTurn; ++round) {
            auto count = batch.receive();
            for (std::size_t i = 0; i < count; ++i) {
                const auto& datagram = batch.datagram(i);
                auto peer = peer_text(datagram.peer);
                if (datagram.truncated) {
                    ++malformed_;
                    spdlog::warn("dns.drop.oversized from={} (over {} bytes)", peer, net::UdpBatch::kMaximumDatagram);
                    continue;
                }
                auto response = respond(datagram.bytes, wire::DnsMessage::kClassicUdpSize, false, peer);
                if (!response.empty()) batch.reply(i, std::move(response));
            }
            if (auto refused = batch.send(); refused > 0) spdlog::warn("dns.send_failed answers={}", refused);
            if (count < net::UdpBatch::kCapacity) break;
        }
    }
}

asio::awaitable<void> ServerLoop::serve_tcp() {
    auto executor = co_await asio::this_coro::executor;
    while (auto socket = co_await node::accept_next(tcp_, "dns.tcp_accept_failed")) {
        if (connections_ >= kMaximumConnections) {
            spdlog::warn("dns.tcp_refused: {} connections already", connections_);
            continue;  // closed as it goes out of scope
        }
        ++connections_;
        asio::co_spawn(executor, serve_connection(std::move(*socket)), [this](std::exception_ptr) { --connections_; });
    }
}

asio::awaitable<void> ServerLoop::serve_connection(asio::ip::tcp::socket socket) {
    boost::system::error_code ignored;
    auto remote = socket.remote_endpoint(ignored);
    auto peer = remote.address().to_string() + ":" + std::to_string(remote.port());
    asio::steady_timer idle(socket.get_executor());
    bool timed_out = false;
    // RFC 7766 §6.2.3: a server closes connections that sit idle.
    auto arm = [&] {
        idle.expires_after(kIdleTimeout);
        idle.async_wait([&](const boost::system::error_code& error) {
            if (error) return;
            timed_out = true;
            boost::system::error_code ignored_close;
            socket.close(ignored_close);
        });
    };
    std::vector<std::uint8_t> message;
    while (true) {
        arm();
        std::uint8_t prefix[2];
        boost::system::error_code error;
        co_await asio::async_read(socket, asio::buffer(prefix), asio::redirect_error(asio::use_awaitable, error));
        if (error) break;
        std::size_t length = std::size_t{prefix[0]} << 8 | prefix[1];
        message.resize(length);
        co_await asio::async_read(socket, asio::buffer(message), asio::redirect_error(asio::use_awaitable, error));
        if (error) break;
        auto response = respond(message, 65535, true, peer);
        if (response.empty()) continue;
        std::uint8_t out_prefix[2] = {static_cast<std::uint8_t>(response.size() >> 8),
                                      static_cast<std::uint8_t>(response.size())};
        std::array<asio::const_buffer, 2> buffers{asio::buffer(out_prefix), asio::buffer(response)};
        co_await asio::async_write(socket, buffers, asio::redirect_error(asio::use_awaitable, error));
        if (error) break;
    }
    idle.cancel();
    if (timed_out) spdlog::info("dns.tcp_idle_closed peer={}", peer);
}

}  // namespace emu::dns
