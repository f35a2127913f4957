#include "nodes/ftpd/server_loop.hpp"

#include <sys/sendfile.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <ctime>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "lib/net/asio_address.hpp"
#include "lib/util/files.hpp"
#include "nodes/common/read_more.hpp"
#include "nodes/common/serve_connections.hpp"
#include "nodes/ftpd/ascii_transfer.hpp"
#include "nodes/ftpd/ftp_session.hpp"

namespace emu::ftp {
namespace {

using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kSendfileChunk = 1 << 20;
// RFC 959 §3.2: in active mode the server's end of a data connection is port L-1, 20.
constexpr std::uint16_t kActiveDataPort = 20;

// One control connection: a reader that takes commands off the wire as they come (so that
// ABOR reaches a running transfer), and a worker that hands them to the session in order
// and does what it asks. Both coroutines hold the connection alive.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(ServerLoop& loop, const ServerConfig& config, const FileRoot& files, tcp::socket control)
        : loop_(loop),
          config_(config),
          control_(std::move(control)),
          local_(control_.local_endpoint().address()),
          peer_(control_.remote_endpoint().address()),
          session_(config, files, net::wire_address(local_), net::wire_address(peer_)),
          wake_(control_.get_executor()),
          drained_(control_.get_executor()),
          watchdog_(control_.get_executor()) {
        // The Synch a client sends before ABOR (RFC 959 §4.1.3) marks its DM byte urgent;
        // kept in line, the codec drops IAC DM instead of meeting a lone IAC.
        error_code ignored;
        control_.set_option(asio::socket_base::out_of_band_inline(true), ignored);
        // Replies are small and each one is awaited: Nagle would hold a 226 back until the
        // client acknowledged the 150, 40 ms of delayed ACK per transfer.
        control_.set_option(tcp::no_delay(true), ignored);
    }

    asio::awaitable<void> read_commands();
    asio::awaitable<void> work();

private:
    // A command, or why a line was refused.
    struct Item {
        std::optional<wire::FtpCommand> command;
        std::string malformed;
        bool fatal = false;
    };

    void wake() { wake_.cancel(); }
    /// Commands waiting while a transfer runs are bounded: past this, the reader stops reading
    /// until the worker has taken some, and TCP holds the client back.
    static constexpr std::size_t kMaximumQueued = 32;
    asio::awaitable<bool> send(const std::vector<wire::FtpReply>& replies);
    asio::awaitable<bool> carry_out(Outcome outcome);
    Outcome open_passive();
    asio::awaitable<std::pair<TransferEnd, std::uint64_t>> move_data(DataTransfer& transfer);
    asio::awaitable<bool> connect_data(const DataTransfer& transfer);
    asio::awaitable<TransferEnd> send_file(const DataTransfer& transfer, std::uint64_t& bytes);
    asio::awaitable<TransferEnd> receive_file(const DataTransfer& transfer, std::uint64_t& bytes);
    void abort_transfer();
    /// Closes the data listener and connection, so that any operation waiting on them ends;
    /// the objects stay until the worker, which may be waiting on them, lets them go.
    void cancel_data();
    void close_data();
    void watch(std::uint64_t seen);

    ServerLoop& loop_;
    const ServerConfig& config_;
    tcp::socket control_;
    asio::ip::address local_;
    asio::ip::address peer_;
    Session session_;
    std::vector<std::uint8_t> buffer_;
    std::deque<Item> queue_;
    bool control_closed_ = false;
    asio::steady_timer wake_;
    asio::steady_timer drained_;  ///< the reader waits on it while the queue is full
    std::optional<tcp::acceptor> passive_;
    std::optional<tcp::socket> data_;
    asio::steady_timer watchdog_;
    std::uint64_t progress_ = 0;
    std::uint64_t transfers_ = 0;  ///< counts transfers, for the watchdog
    bool aborted_ = false;
    bool stalled_ = false;
};

asio::awaitable<void> Connection::read_commands() {
    std::array<std::uint8_t, 4096> chunk{};
    error_code error;
    while (true) {
        while (true) {
            auto read = wire::read_ftp_command(wire::Bytes(buffer_.data(), buffer_.size()));
            if (read.state == wire::TextRead<wire::FtpCommand>::State::incomplete) break;
            if (read.state == wire::TextRead<wire::FtpCommand>::State::error) {
                // A line refused whole is skipped; one over the limit, whose end has not come,
                // cannot be, and ends the session.
                if (!node::drop_refused_line(buffer_)) {
                    queue_.push_back({std::nullopt, read.error, true});
                    control_closed_ = true;
                    wake();
                    co_return;
                }
                queue_.push_back({std::nullopt, read.error, false});
                continue;
            }
            buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(read.size));
            if (read.message.verb == "ABOR" && session_.transferring()) {
                abort_transfer();
                continue;
            }
            queue_.push_back({std::move(read.message), {}, false});
        }
        wake();
        while (queue_.size() >= kMaximumQueued && control_.is_open()) {
            drained_.expires_after(config_.idle_timeout);
            co_await drained_.async_wait(asio::redirect_error(asio::use_awaitable, error));
        }
        auto got = co_await control_.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, error));
        if (error) break;
        buffer_.insert(buffer_.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
    }
    // A client that only closed its side (a script's "RETR f, QUIT" and EOF) still gets its
    // transfer and replies; one whose connection broke takes its transfer with it.
    control_closed_ = true;
    if (error != asio::error::eof && session_.transferring()) abort_transfer();
    wake();
}

asio::awaitable<void> Connection::work() {
    spdlog::info("ftp.connected from={}", peer_.to_string());
    // (A braced list inside co_await trips GCC 12's coroutine lowering: named vectors here.)
    std::vector<wire::FtpReply> greeting{session_.greeting()};
    bool open = co_await send(greeting);
    while (open) {
        if (queue_.empty()) {
            if (control_closed_) break;
            // Woken by the reader (the timer cancelled), or the idle timeout passed.
            wake_.expires_after(config_.idle_timeout);
            error_code error;
            co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, error));
            if (!error && queue_.empty() && !control_closed_) {
                co_await carry_out(session_.on_idle_timeout());
                break;
            }
            continue;
        }
        auto item = std::move(queue_.front());
        queue_.pop_front();
        drained_.cancel();
        auto outcome = item.command ? session_.on_command(*item.command, std::time(nullptr))
                                    : session_.on_malformed(item.malformed, item.fatal);
        open = co_await carry_out(std::move(outcome));
    }
    close_data();
    error_code ignored;
    control_.shutdown(tcp::socket::shutdown_both, ignored);
    control_.close(ignored);
    drained_.cancel();
    spdlog::info("ftp.closed from={} user={}", peer_.to_string(), session_.user());
}

asio::awaitable<bool> Connection::send(const std::vector<wire::FtpReply>& replies) {
    if (replies.empty()) co_return true;
    std::string text;
    for (const auto& reply : replies) text += wire::write_ftp_reply(reply);
    error_code error;
    co_await asio::async_write(control_, asio::buffer(text), asio::redirect_error(asio::use_awaitable, error));
    co_return !error;
}

asio::awaitable<bool> Connection::carry_out(Outcome outcome) {
    for (const auto& line : outcome.log) spdlog::info("{} {}", line.event, line.detail);
    if (!co_await send(outcome.replies)) co_return false;
    if (std::holds_alternative<CloseControl>(outcome.action)) co_return false;
    if (std::holds_alternative<OpenPassive>(outcome.action)) co_return co_await carry_out(open_passive());
    if (auto* transfer = std::get_if<DataTransfer>(&outcome.action)) {
        auto [end, bytes] = co_await move_data(*transfer);
        co_return co_await carry_out(session_.on_transfer_end(end, bytes));
    }
    co_return true;
}

Outcome Connection::open_passive() {
    close_data();
    std::uint32_t count = config_.passive_last - config_.passive_first + 1u;
    std::uint32_t start = loop_.next_passive_port() - config_.passive_first;
    for (std::uint32_t i = 0; i < count; ++i) {
        auto port = static_cast<std::uint16_t>(config_.passive_first + (start + i) % count);
        tcp::acceptor acceptor(control_.get_executor());
        error_code error;
        acceptor.open(local_.is_v4() ? tcp::v4() : tcp::v6(), error);
        // The port may still have connections in TIME_WAIT from an earlier transfer.
        if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
        if (!error) acceptor.bind({local_, port}, error);
        if (!error) acceptor.listen(1, error);
        if (error) continue;
        passive_ = std::move(acceptor);
        return session_.on_passive_opened(port);
    }
    return session_.on_passive_failed(fmt::format("every port of {}-{} is in use", config_.passive_first, config_.passive_last));
}

void Connection::watch(std::uint64_t seen) {
    watchdog_.expires_after(config_.data_timeout);
    // A handler already queued when its transfer ended must not act on the next one.
    watchdog_.async_wait([self = shared_from_this(), seen, transfer = transfers_](const error_code& error) {
        if (error || transfer != self->transfers_) return;
        if (self->progress_ == seen) {
            self->stalled_ = true;
            self->cancel_data();
            return;
        }
        self->watch(self->progress_);
    });
}

void Connection::abort_transfer() {
    aborted_ = true;
    cancel_data();
}

void Connection::cancel_data() {
    error_code ignored;
    if (passive_) passive_->close(ignored);
    if (data_) data_->close(ignored);
}

void Connection::close_data() {
    cancel_data();
    passive_.reset();
    data_.reset();
}

asio::awaitable<bool> Connection::connect_data(const DataTransfer& transfer) {
    error_code error;
    if (!transfer.connect_to) {
        if (!passive_) co_return false;
        // Only the client on the control connection may take the listener (RFC 2577 §5).
        while (true) {
            auto socket = co_await passive_->async_accept(asio::redirect_error(asio::use_awaitable, error));
            if (error) co_return false;
            auto remote = socket.remote_endpoint(error);
            if (!error && remote.address() == peer_) {
                data_ = std::move(socket);
                break;
            }
            spdlog::info("ftp.data_refused user={} from={} (not the control connection's client)", session_.user(),
                         error ? "?" : remote.address().to_string());
        }
        if (passive_) passive_->close(error);
        passive_.reset();
        co_return true;
    }
    tcp::socket socket(control_.get_executor());
    socket.open(local_.is_v4() ? tcp::v4() : tcp::v6(), error);
    if (error) co_return false;
    // Several transfers may go out of port 20 at once, each to its own client port.
    socket.set_option(asio::socket_base::reuse_address(true), error);
    socket.bind({local_, kActiveDataPort}, error);
    if (error) {
        spdlog::warn("ftp.port20_unavailable {}; connecting from any port", error.message());
        socket.bind({local_, 0}, error);
        if (error) co_return false;
    }
    data_ = std::move(socket);
    co_await data_->async_connect({net::asio_address(transfer.connect_to->address), transfer.connect_to->port}, asio::redirect_error(asio::use_awaitable, error));
    co_return !error && data_.has_value();
}

asio::awaitable<std::pair<TransferEnd, std::uint64_t>> Connection::move_data(DataTransfer& transfer) {
    ++transfers_;
    aborted_ = false;
    stalled_ = false;
    progress_ = 0;
    std::uint64_t bytes = 0;
    // The watchdog covers making the connection and every stretch without progress after.
    watch(progress_);
    bool connected = co_await connect_data(transfer);
    if (!connected || aborted_) {
        watchdog_.cancel();
        close_data();
        co_return std::pair{aborted_ ? TransferEnd::aborted : TransferEnd::no_connection, std::uint64_t{0}};
    }
    // The 150 once the data connection stands (what vsftpd does too).
    std::vector<wire::FtpReply> opening{transfer.opening};
    if (!co_await send(opening)) {
        watchdog_.cancel();
        close_data();
        co_return std::pair{TransferEnd::connection_lost, std::uint64_t{0}};
    }
    TransferEnd end = TransferEnd::done;
    if (transfer.direction == DataTransfer::Direction::receive) {
        end = co_await receive_file(transfer, bytes);
    } else if (transfer.file) {
        end = co_await send_file(transfer, bytes);
    } else if (data_) {
        error_code error;
        co_await asio::async_write(*data_, asio::buffer(transfer.listing), asio::redirect_error(asio::use_awaitable, error));
        if (error) end = TransferEnd::connection_lost;
        bytes = transfer.listing.size();
    }
    watchdog_.cancel();
    if (data_) {
        // Stream mode: closing the connection is what ends the file (RFC 959 §3.4.1).
        error_code ignored;
        data_->shutdown(tcp::socket::shutdown_send, ignored);
    }
    close_data();
    if (aborted_) end = TransferEnd::aborted;
    else if (stalled_ && end == TransferEnd::done) end = TransferEnd::connection_lost;
    co_return std::pair{end, bytes};
}

asio::awaitable<TransferEnd> Connection::send_file(const DataTransfer& transfer, std::uint64_t& bytes) {
    error_code error;
    if (!transfer.ascii) {
        // TYPE I: the kernel copies from the page cache to the socket (sendfile(2)).
        off_t offset = static_cast<off_t>(transfer.offset);
        if (data_) data_->native_non_blocking(true, error);
        while (data_) {
            auto n = ::sendfile(data_->native_handle(), transfer.file.get(), &offset, kSendfileChunk);
            if (n > 0) {
                bytes += static_cast<std::uint64_t>(n);
                progress_ += static_cast<std::uint64_t>(n);
                continue;
            }
            if (n == 0) co_return TransferEnd::done;
            if (errno == EINTR) continue;
            if (errno != EAGAIN) co_return TransferEnd::connection_lost;
            co_await data_->async_wait(tcp::socket::wait_write, asio::redirect_error(asio::use_awaitable, error));
            if (error) co_return TransferEnd::connection_lost;
        }
        co_return TransferEnd::connection_lost;
    }
    // TYPE A: read, turn LF into CRLF, write.
    std::vector<char> chunk(kChunk);
    std::string converted;
    AsciiToNetwork to_network;
    auto offset = static_cast<off_t>(transfer.offset);
    while (data_) {
        auto n = ::pread(transfer.file.get(), chunk.data(), chunk.size(), offset);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) co_return TransferEnd::local_error;
        if (n == 0) co_return TransferEnd::done;
        offset += n;
        converted.clear();
        to_network.convert({chunk.data(), static_cast<std::size_t>(n)}, converted);
        co_await asio::async_write(*data_, asio::buffer(converted), asio::redirect_error(asio::use_awaitable, error));
        if (error) co_return TransferEnd::connection_lost;
        bytes += converted.size();
        progress_ += converted.size();
    }
    co_return TransferEnd::connection_lost;
}

asio::awaitable<TransferEnd> Connection::receive_file(const DataTransfer& transfer, std::uint64_t& bytes) {
    std::vector<char> chunk(kChunk);
    std::string converted;
    AsciiFromNetwork from_network;
    error_code error;
    while (data_) {
        auto got = co_await data_->async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, error));
        if (error == asio::error::eof) {
            converted.clear();
            if (transfer.ascii) from_network.finish(converted);
            if (util::write_all(transfer.upload_fd, converted)) co_return TransferEnd::local_error;
            co_return TransferEnd::done;
        }
        if (error) co_return TransferEnd::connection_lost;
        bytes += got;
        progress_ += got;
        const char* data = chunk.data();
        std::size_t size = got;
        if (transfer.ascii) {
            converted.clear();
            from_network.convert({chunk.data(), got}, converted);
            data = converted.data();
            size = converted.size();
        }
        if (util::write_all(transfer.upload_fd, {data, size})) co_return TransferEnd::local_error;
    }
    co_return TransferEnd::connection_lost;
}

}  // namespace

ServerLoop::ServerLoop(asio::io_context& io, const ServerConfig& config, const FileRoot& files)
    : config_(config), files_(files), acceptor_(io, tcp::endpoint(asio::ip::address_v4::any(), config.port)) {}

std::uint16_t ServerLoop::next_passive_port() {
    std::uint32_t count = config_.passive_last - config_.passive_first + 1u;
    return static_cast<std::uint16_t>(config_.passive_first + passive_cursor_++ % count);
}

asio::awaitable<void> ServerLoop::run() {
    co_await node::serve_connections(acceptor_, kMaximumSessions, "ftp", "421 Too many sessions; try again later.\r\n",
                                     [this](tcp::socket socket) { return serve(std::move(socket)); });
}

asio::awaitable<void> ServerLoop::serve(tcp::socket socket) {
    std::shared_ptr<Connection> connection;
    try {
        connection = std::make_shared<Connection>(*this, config_, files_, std::move(socket));
    } catch (const boost::system::system_error&) {
        co_return;  // reset before its addresses could be read
    }
    // The reader runs beside the worker; the session lasts as long as the worker. (The
    // executor is fetched first: a co_await among a call's arguments is miscompiled by
    // GCC 12 — here it corrupted the heap once a session ended.)
    auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(executor, connection->read_commands(), [connection](std::exception_ptr) {});
    co_await connection->work();
}

}  // namespace emu::ftp
