#include "nodes/maild/pop3_server.hpp"

#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "lib/net/asio_address.hpp"
#include "nodes/common/serve_connections.hpp"
#include "nodes/common/read_more.hpp"
#include "nodes/maild/pop3_session.hpp"

namespace emu::mail {
namespace {

using tcp = asio::ip::tcp;

// Answers waiting to be written are sent once they reach this much.
constexpr std::size_t kFlushAt = 64 * 1024;

void log_and_take(const Pop3Outcome& outcome, std::string& pending) {
    for (const auto& line : outcome.log) spdlog::info("{} {}", line.event, line.detail);
    for (const auto& response : outcome.responses) pending += wire::write_pop3_response(response);
}

}  // namespace

Pop3Server::Pop3Server(asio::io_context& io, const MailConfig& config, MailStore& store)
    : config_(config), store_(store), acceptor_(io, tcp::endpoint(asio::ip::address_v4::any(), config.pop3_port)) {}

asio::awaitable<void> Pop3Server::run() {
    co_await node::serve_connections(acceptor_, kMaximumConnections, "pop3", "-ERR [SYS/TEMP] Too many connections\r\n",
                                     [this](tcp::socket socket) { return serve(std::move(socket)); });
}

asio::awaitable<void> Pop3Server::serve(tcp::socket socket) {
    boost::system::error_code error;
    auto remote = socket.remote_endpoint(error);
    if (error) co_return;
    auto peer = net::wire_address(remote.address());
    spdlog::info("pop3.connected from={}", peer.to_string());
    {
        // The session lets its maildrop go when it ends, however the connection ended.
        Pop3Session session(config_, store_, peer);
        std::string pending = wire::write_pop3_response(session.greeting());
        std::vector<std::uint8_t> buffer;
        bool open = true;
        bool timed_out = false;
        while (open) {
            while (open) {
                auto read = wire::read_pop3_command({buffer.data(), buffer.size()});
                if (read.state == wire::TextRead<wire::Pop3Command>::State::incomplete) break;
                Pop3Outcome outcome;
                if (read.state == wire::TextRead<wire::Pop3Command>::State::error) {
                    bool skipped = node::drop_refused_line(buffer);
                    outcome = session.on_malformed(read.error, !skipped);
                } else {
                    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(read.size));
                    outcome = session.on_command(read.message);
                }
                log_and_take(outcome, pending);
                if (outcome.close) open = false;
                // Pipelined commands are answered together, but a client that pipelines many
                // RETRs gets each answer once it is large: what waits is bounded.
                if (pending.size() >= kFlushAt) break;
            }
            if (!pending.empty()) {
                bool written = co_await node::write_before(socket, pending, config_.idle_timeout);
                pending.clear();
                if (!written) break;
                if (open && wire::read_pop3_command({buffer.data(), buffer.size()}).state !=
                                wire::TextRead<wire::Pop3Command>::State::incomplete) {
                    continue;  // more commands already here
                }
            }
            if (!open) break;
            if (!co_await node::read_more(socket, buffer, config_.idle_timeout, timed_out)) {
                if (timed_out) {
                    log_and_take(session.on_idle_timeout(), pending);
                    co_await node::write_before(socket, pending, config_.idle_timeout);
                }
                break;
            }
        }
    }
    socket.shutdown(tcp::socket::shutdown_both, error);
    socket.close(error);
    spdlog::info("pop3.closed from={}", peer.to_string());
}

}  // namespace emu::mail
