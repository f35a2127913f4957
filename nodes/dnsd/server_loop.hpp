#pragma once

#include <cstdint>

#include "lib/net/asio.hpp"
#include "nodes/dnsd/authority.hpp"

namespace emu::dns {

/// emu-dnsd's I/O around the Authority: UDP and TCP on one port of every address (RFC 1035
/// §4.2). Over UDP an answer is cut to what the client takes (Authority::udp_limit), with
/// TC set when records had to go, so the client asks again over TCP; over TCP each message
/// goes after its two-byte length (§4.2.2), several per connection (RFC 7766 §6.2.1), and a
/// connection idle for kIdleTimeout is closed. A query that does not parse gets FORMERR or
/// nothing, and is counted; nothing a client sends stops the loop. UDP questions are read
/// and answered in batches (net::UdpBatch), each answer from the address that was asked.
class ServerLoop {
public:
    static constexpr auto kIdleTimeout = std::chrono::seconds(10);
    static constexpr std::size_t kMaximumConnections = 256;
    static constexpr int kUdpBatchesPerTurn = 8;

    /// Binds UDP and TCP; throws boost::system::system_error (the port taken, no permission).
    ServerLoop(asio::io_context& io, Authority& authority, std::uint16_t port);

    asio::awaitable<void> run();

    std::uint64_t malformed() const { return malformed_; }

private:
    asio::awaitable<void> serve_udp();
    asio::awaitable<void> serve_tcp();
    asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket);
    /// The response's bytes, at most `limit` long; empty when nothing is to be sent.
    std::vector<std::uint8_t> respond(wire::Bytes query, std::size_t limit, bool over_tcp, const std::string& peer);

    Authority& authority_;
    asio::ip::udp::socket udp_;
    asio::ip::tcp::acceptor tcp_;
    std::size_t connections_ = 0;
    std::uint64_t malformed_ = 0;
};

}  // namespace emu::dns
