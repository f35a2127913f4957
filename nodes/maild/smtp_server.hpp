#pragma once

#include <cstddef>
#include <functional>

#include "lib/net/asio.hpp"
#include "nodes/maild/mail_config.hpp"
#include "nodes/maild/mail_store.hpp"

namespace emu::mail {

/// emu-maild's SMTP I/O: port 25 on every address, one coroutine per connection that reads
/// commands — several at once when the client pipelines them (RFC 2920), answered together —
/// and after a 354 the message to its lone period, then hands each to the session engine
/// (smtp_session.hpp). A connection quiet for the idle timeout gets 421.
class SmtpServer {
public:
    static constexpr std::size_t kMaximumConnections = 1024;

    /// Binds the port; throws boost::system::system_error. `on_queued` is called when a
    /// message went into the relay queue.
    SmtpServer(asio::io_context& io, const MailConfig& config, MailStore& store, std::function<void()> on_queued);
    asio::awaitable<void> run();

private:
    asio::awaitable<void> serve(asio::ip::tcp::socket socket);

    const MailConfig& config_;
    MailStore& store_;
    std::function<void()> on_queued_;
    asio::ip::tcp::acceptor acceptor_;
};

}  // namespace emu::mail
