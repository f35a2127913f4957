#include "nodes/host/ftp_client.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "lib/net/asio_address.hpp"
#include "lib/util/files.hpp"
#include "nodes/host/resolver.hpp"

namespace emu::host {
namespace {

using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::size_t kChunk = 64 * 1024;

std::string shown(const wire::FtpReply& reply) { return fmt::format("{} {}", reply.code, reply.text()); }

}  // namespace

FtpClient::FtpClient(asio::io_context& io, std::function<void(const std::string&)> transcript)
    : io_(io), transcript_(std::move(transcript)), control_(io), deadline_(io) {}

void FtpClient::fail(const std::string& step, const error_code& error) const {
    throw std::runtime_error(fmt::format("{} ({}): {}", step, server_, timed_out_ ? "timed out" : error.message()));
}

void FtpClient::refused(const std::string& step, const wire::FtpReply& reply) const {
    throw std::runtime_error(fmt::format("{}: the server answered {}", step, shown(reply)));
}

asio::awaitable<wire::FtpReply> FtpClient::reply() {
    std::array<std::uint8_t, 4096> chunk{};
    while (true) {
        auto read = wire::read_ftp_reply({buffer_.data(), buffer_.size()});
        if (read.state == wire::TextRead<wire::FtpReply>::State::error) {
            throw std::runtime_error("the server's reply is not FTP: " + read.error);
        }
        if (read.complete()) {
            buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(read.size));
            for (const auto& line : read.message.lines) transcript_(fmt::format("< {} {}", read.message.code, line));
            co_return read.message;
        }
        error_code error;
        auto got = co_await control_.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, error));
        if (error) fail("reading a reply", error);
        buffer_.insert(buffer_.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
    }
}

asio::awaitable<wire::FtpReply> FtpClient::command(const std::string& verb, const std::string& argument) {
    transcript_(verb == "PASS" ? "> PASS ****" : fmt::format("> {}{}{}", verb, argument.empty() ? "" : " ", argument));
    auto line = wire::write_ftp_command({verb, argument});
    error_code error;
    co_await asio::async_write(control_, asio::buffer(line), asio::redirect_error(asio::use_awaitable, error));
    if (error) fail("sending " + verb, error);
    co_return co_await reply();
}

asio::awaitable<void> FtpClient::open(const ResolverConfig& resolver, const FtpUrl& url, std::chrono::milliseconds timeout) {
    deadline_.expires_after(timeout);
    deadline_.async_wait([this](const error_code& expired) {
        if (expired) return;
        timed_out_ = true;
        error_code ignored;
        control_.close(ignored);
        if (data_) data_->close(ignored);
        if (listener_) listener_->close(ignored);
    });
    auto address = co_await resolve_ipv4(io_, resolver, url.host);
    server_ = address.to_string();
    error_code error;
    co_await control_.async_connect({net::asio_address(address), url.port}, asio::redirect_error(asio::use_awaitable, error));
    if (error) fail("connecting", error);
    control_.set_option(tcp::no_delay(true), error);
    auto greeting = co_await reply();
    if (greeting.code != 220) refused("the greeting", greeting);
    auto user = co_await command("USER", url.user);
    if (user.code == 331) {
        auto pass = co_await command("PASS", url.password);
        if (pass.code != 230 && pass.code != 202) refused("logging in as " + url.user, pass);
    } else if (user.code != 230) {
        refused("logging in as " + url.user, user);
    }
    auto type = co_await command("TYPE", "I");
    if (type.code != 200) refused("TYPE I", type);
}

asio::awaitable<std::uint64_t> FtpClient::transfer(const std::string& verb, const std::string& path, bool active,
                                                   Direction direction, int fd, std::string* text) {
    error_code error;
    if (active) {
        // RFC 959 §3.2: the client listens, says where with PORT, and the server connects.
        listener_.emplace(io_);
        auto local = control_.local_endpoint(error);
        if (!error) listener_->open(tcp::v4(), error);
        if (!error) listener_->bind({local.address(), 0}, error);
        if (!error) listener_->listen(1, error);
        if (error) fail("listening for the data connection", error);
        auto port = listener_->local_endpoint().port();
        auto address = net::wire_address(local.address());
        auto answer = co_await command("PORT", wire::write_ftp_host_port({address, port}));
        if (answer.code != 200) refused("PORT", answer);
    } else {
        auto answer = co_await command("PASV");
        if (answer.code != 227) refused("PASV", answer);
        auto endpoint = wire::parse_pasv_reply(answer.text());
        if (!endpoint) throw std::runtime_error("PASV's reply names no address and port: " + shown(answer));
        data_.emplace(io_);
        co_await data_->async_connect({net::asio_address(endpoint->address), endpoint->port}, asio::redirect_error(asio::use_awaitable, error));
        if (error) fail(fmt::format("connecting to the data port {}", endpoint->port), error);
    }
    auto started = co_await command(verb, path);
    if (started.code != 150 && started.code != 125) refused(verb + " " + path, started);
    if (active) {
        auto socket = co_await listener_->async_accept(asio::redirect_error(asio::use_awaitable, error));
        if (error) fail("waiting for the server's data connection", error);
        listener_.reset();
        data_ = std::move(socket);
    }
    std::uint64_t bytes = 0;
    std::array<std::uint8_t, kChunk> chunk{};
    if (direction == Direction::receive) {
        while (true) {
            auto got = co_await data_->async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, error));
            if (error == asio::error::eof) break;
            if (error) fail("receiving data", error);
            bytes += got;
            if (text != nullptr) {
                text->append(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
            } else if (auto failed = util::write_all(fd, {reinterpret_cast<const char*>(chunk.data()), got})) {
                throw std::runtime_error("writing what came: " + failed.message());
            }
        }
    } else {
        while (true) {
            auto n = ::read(fd, chunk.data(), chunk.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw std::runtime_error(fmt::format("reading the file to send: {}", std::strerror(errno)));
            if (n == 0) break;
            co_await asio::async_write(*data_, asio::buffer(chunk.data(), static_cast<std::size_t>(n)),
                                       asio::redirect_error(asio::use_awaitable, error));
            if (error) fail("sending data", error);
            bytes += static_cast<std::uint64_t>(n);
        }
        // Stream mode: the end of the connection is the end of the file (RFC 959 §3.4.1).
        data_->shutdown(tcp::socket::shutdown_send, error);
    }
    data_.reset();
    auto finished = co_await reply();
    if (finished.code != 226 && finished.code != 250) refused(verb + " " + path, finished);
    co_return bytes;
}

asio::awaitable<std::uint64_t> FtpClient::retrieve(const std::string& path, bool active, int fd) {
    co_return co_await transfer("RETR", path, active, Direction::receive, fd, nullptr);
}

asio::awaitable<std::uint64_t> FtpClient::store(const std::string& path, bool active, int fd) {
    co_return co_await transfer("STOR", path, active, Direction::send, fd, nullptr);
}

asio::awaitable<std::string> FtpClient::list(const std::string& path, bool active) {
    std::string text;
    co_await transfer("LIST", path, active, Direction::receive, -1, &text);
    co_return text;
}

asio::awaitable<void> FtpClient::quit() {
    auto goodbye = co_await command("QUIT");
    if (goodbye.code != 221) refused("QUIT", goodbye);
    deadline_.cancel();
    error_code ignored;
    control_.close(ignored);
}

}  // namespace emu::host
