#pragma once

#include <chrono>
#include <cstdint>
#include <span>

#include "lib/net/asio.hpp"
#include "nodes/httpd/responder.hpp"

namespace emu::http {

/// emu-httpd's I/O: one coroutine per connection, reading requests one after another
/// (pipelined ones answered in order, RFC 9112 §9.3.2), with a deadline for each request
/// to arrive whole — past it, a 408 if part of one had come, else a quiet close of an idle
/// connection (§9.5) — a limit on request bodies (413), and an access log line per request.
class ServerLoop {
public:
    static constexpr auto kDefaultRequestTimeout = std::chrono::seconds(10);
    static constexpr std::uint64_t kMaximumBody = 1 << 20;
    static constexpr std::size_t kMaximumConnections = 1024;

    /// Binds the port on every address; throws boost::system::system_error.
    ServerLoop(asio::io_context& io, const Responder& responder, std::uint16_t port,
               std::chrono::milliseconds request_timeout = kDefaultRequestTimeout);

    asio::awaitable<void> run();

private:
    asio::awaitable<void> serve(asio::ip::tcp::socket socket);
    asio::awaitable<bool> send(asio::ip::tcp::socket& socket, const ResponsePlan& plan, std::span<char> buffer);

    static constexpr std::size_t kReadChunk = 16 * 1024;
    static constexpr std::size_t kFileChunk = 64 * 1024;

    const Responder& responder_;
    asio::ip::tcp::acceptor acceptor_;
    std::chrono::milliseconds request_timeout_;
};

}  // namespace emu::http
