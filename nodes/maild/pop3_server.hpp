#pragma once

#include <cstddef>

#include "lib/net/asio.hpp"
#include "nodes/maild/mail_config.hpp"
#include "nodes/maild/mail_store.hpp"

namespace emu::mail {

/// emu-maild's POP3 I/O: port 110 on every address, one coroutine per connection that reads
/// commands (pipelined ones answered together, RFC 2449 §6.6) and hands them to the session
/// engine (pop3_session.hpp). A session idle for the timeout is closed without its DELEs
/// taking effect (RFC 1939 §3).
class Pop3Server {
public:
    static constexpr std::size_t kMaximumConnections = 1024;

    /// Binds the port; throws boost::system::system_error.
    Pop3Server(asio::io_context& io, const MailConfig& config, MailStore& store);
    asio::awaitable<void> run();

private:
    asio::awaitable<void> serve(asio::ip::tcp::socket socket);

    const MailConfig& config_;
    MailStore& store_;
    asio::ip::tcp::acceptor acceptor_;
};

}  // namespace emu::mail
