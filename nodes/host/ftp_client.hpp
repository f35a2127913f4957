#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "lib/net/asio.hpp"
#include "lib/wire/ftp.hpp"
#include "nodes/host/ftp_url.hpp"
#include "nodes/host/stub_resolver.hpp"

namespace emu::host {

/// An FTP client session as the seed tells it (RFC 959): a control connection to port 21
/// for commands and replies, and a data connection for each transfer — passive (PASV: the
/// client connects to the port the server names) or active (PORT: the server connects back
/// to a port the client listens on, from its port 20). Every step has to finish within the
/// session's deadline. Errors are std::runtime_error naming the step and the server's reply.
class FtpClient {
public:
    /// `transcript` is told each command sent ("> RETR /notes.txt") and reply received
    /// ("< 226 Transfer complete."), for -v.
    FtpClient(asio::io_context& io, std::function<void(const std::string&)> transcript);

    /// Resolves the host (resolv.conf's servers), connects, reads the greeting, logs in and
    /// sets TYPE I. The whole session must end within `timeout` from here.
    asio::awaitable<void> open(const ResolverConfig& resolver, const FtpUrl& url, std::chrono::milliseconds timeout);
    /// RETR: the file's bytes to `fd`; how many.
    asio::awaitable<std::uint64_t> retrieve(const std::string& path, bool active, int fd);
    /// STOR: the bytes of `fd`, to its end; how many.
    asio::awaitable<std::uint64_t> store(const std::string& path, bool active, int fd);
    /// LIST: the listing's text.
    asio::awaitable<std::string> list(const std::string& path, bool active);
    asio::awaitable<void> quit();

    /// The server's address, after DNS.
    const std::string& server() const { return server_; }

private:
    enum class Direction { receive, send };
    asio::awaitable<wire::FtpReply> reply();
    asio::awaitable<wire::FtpReply> command(const std::string& verb, const std::string& argument = {});
    /// PASV and a connection to the port it names, or a listener and PORT naming it; then
    /// the transfer command, whose 150 must come before the data connection is used.
    asio::awaitable<std::uint64_t> transfer(const std::string& verb, const std::string& path, bool active,
                                            Direction direction, int fd, std::string* text);
    [[noreturn]] void fail(const std::string& step, const boost::system::error_code& error) const;
    [[noreturn]] void refused(const std::string& step, const wire::FtpReply& reply) const;

    asio::io_context& io_;
    std::function<void(const std::string&)> transcript_;
    asio::ip::tcp::socket control_;
    std::optional<asio::ip::tcp::socket> data_;
    std::optional<asio::ip::tcp::acceptor> listener_;
    asio::steady_timer deadline_;
    bool timed_out_ = false;
    std::vector<std::uint8_t> buffer_;
    std::string server_;
};

}  // namespace emu::host
