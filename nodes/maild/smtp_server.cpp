#include "nodes/maild/smtp_server.hpp"

#include <ctime>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "lib/net/asio_address.hpp"
#include "lib/wire/dot_stuffing.hpp"
#include "nodes/common/serve_connections.hpp"
#include "nodes/common/read_more.hpp"
#include "nodes/maild/smtp_session.hpp"

namespace emu::mail {
namespace {

using tcp = asio::ip::tcp;

wire::Bytes bytes_of(const std::vector<std::uint8_t>& buffer) { return {buffer.data(), buffer.size()}; }

void log_and_take(SmtpOutcome& outcome, std::string& pending) {
    for (const auto& line : outcome.log) spdlog::info("{} {}", line.event, line.detail);
    for (const auto& reply : outcome.replies) pending += wire::write_smtp_reply(reply);
}

}  // namespace

SmtpServer::SmtpServer(asio::io_context& io, const MailConfig& config, MailStore& store, std::function<void()> on_queued)
    : config_(config), store_(store), on_queued_(std::move(on_queued)), acceptor_(io, tcp::endpoint(asio::ip::address_v4::any(), config.smtp_port)) {}

asio::awaitable<void> SmtpServer::run() {
    co_await node::serve_connections(acceptor_, kMaximumConnections, "smtp", "421 Too many connections; try again later\r\n",
                                     [this](tcp::socket socket) { return serve(std::move(socket)); });
}

asio::awaitable<void> SmtpServer::serve(tcp::socket socket) {
    boost::system::error_code error;
    auto remote = socket.remote_endpoint(error);
    if (error) co_return;
    auto peer = net::wire_address(remote.address());
    spdlog::info("smtp.connected from={}", peer.to_string());
    SmtpSession session(config_, store_, peer);
    std::string pending = wire::write_smtp_reply(session.greeting());
    std::vector<std::uint8_t> buffer;
    bool open = true;
    bool timed_out = false;
    while (open) {
        // Every whole command that has arrived; their replies go out together (RFC 2920 §3.1).
        while (open) {
            auto read = wire::read_smtp_command(bytes_of(buffer));
            if (read.state == wire::TextRead<wire::SmtpCommand>::State::incomplete) break;
            SmtpOutcome outcome;
            if (read.state == wire::TextRead<wire::SmtpCommand>::State::error) {
                bool skipped = node::drop_refused_line(buffer);
                outcome = session.on_malformed(read.error, !skipped);
            } else {
                buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(read.size));
                outcome = session.on_command(read.message, std::time(nullptr));
            }
            log_and_take(outcome, pending);
            if (outcome.next == SmtpOutcome::Next::close) open = false;
            if (outcome.next != SmtpOutcome::Next::message) continue;
            // After the 354, the message to its lone period; the client waits for the 354.
            bool written = co_await node::write_before(socket, pending, config_.idle_timeout);
            pending.clear();
            if (!written) co_return;
            wire::DotStuffedReader reader(session.maximum_size());
            std::string content;
            while (true) {
                auto used = reader.feed(bytes_of(buffer), content);
                buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(used));
                if (reader.done()) break;
                if (!co_await node::read_more(socket, buffer, config_.idle_timeout, timed_out)) {
                    // Cut off mid-message: nothing of it is stored.
                    spdlog::info("smtp.data_cut from={} bytes={}{}", peer.to_string(), reader.size(),
                                 timed_out ? " (timeout)" : "");
                    co_return;
                }
            }
            auto stored = session.on_message(content, reader.too_large(), std::time(nullptr));
            log_and_take(stored, pending);
            if (stored.queued && on_queued_) on_queued_();
        }
        if (!pending.empty()) {
            bool written = co_await node::write_before(socket, pending, config_.idle_timeout);
            pending.clear();
            if (!written) break;
        }
        if (!open) break;
        if (!co_await node::read_more(socket, buffer, config_.idle_timeout, timed_out)) {
            if (timed_out) {
                auto outcome = session.on_idle_timeout();
                log_and_take(outcome, pending);
                co_await node::write_before(socket, pending, config_.idle_timeout);
            }
            break;
        }
    }
    socket.shutdown(tcp::socket::shutdown_both, error);
    socket.close(error);
    spdlog::info("smtp.closed from={}", peer.to_string());
}

}  // namespace emu::mail
