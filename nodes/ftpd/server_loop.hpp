#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/net/asio.hpp"
#include "nodes/ftpd/file_root.hpp"
#include "nodes/ftpd/server_config.hpp"

namespace emu::ftp {

/// emu-ftpd's I/O: the control port's listener, and for each control connection a reader of
/// commands and a worker that hands them to the session engine (ftp_session.hpp) and carries
/// out what it asks — replies, a passive listener from the configured ports, a data
/// connection accepted from the client or made from port 20 (active mode), the bytes moved.
/// The reader goes on during a transfer, so ABOR cuts it short (RFC 959 §4.1.3); a control
/// connection quiet for the idle timeout gets 421, a data connection not made or stalled
/// for the data timeout ends its transfer.
class ServerLoop {
public:
    static constexpr std::size_t kMaximumSessions = 1024;

    /// Binds the control port on every address; throws boost::system::system_error.
    ServerLoop(asio::io_context& io, const ServerConfig& config, const FileRoot& files);

    asio::awaitable<void> run();

    /// The passive port to try first: each listener starts one further on, so that a client
    /// does not meet the port it just used, still in TIME_WAIT.
    std::uint16_t next_passive_port();

private:
    asio::awaitable<void> serve(asio::ip::tcp::socket socket);

    const ServerConfig& config_;
    const FileRoot& files_;
    asio::ip::tcp::acceptor acceptor_;
    std::uint32_t passive_cursor_ = 0;
};

}  // namespace emu::ftp
