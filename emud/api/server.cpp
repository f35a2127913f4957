#include "emud/api/server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>

#include <deque>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "emud/api/protocol.hpp"

namespace emu::api {
namespace {

using asio::use_awaitable;
using stream_protocol = asio::local::stream_protocol;
using json = nlohmann::json;

// One client connection: a reader that splits lines, a processor that serves one request
// at a time, and a writer that sends queued lines in order.
class Session : public std::enable_shared_from_this<Session>, public RequestContext {
public:
    Session(stream_protocol::socket socket, Handler& handler, const ServerLimits& limits,
            std::shared_ptr<std::size_t> clients)
        : socket_(std::move(socket)),
          handler_(handler),
          limits_(limits),
          clients_(std::move(clients)),
          wake_(socket_.get_executor()),
          room_(socket_.get_executor()),
          idle_(socket_.get_executor()) {
        wake_.expires_at(asio::steady_timer::time_point::max());
        room_.expires_at(asio::steady_timer::time_point::max());
        ++*clients_;
    }
    ~Session() override { --*clients_; }

    void start() {
        auto self = shared_from_this();
        asio::co_spawn(socket_.get_executor(), [self]() { return self->read_loop(); }, asio::detached);
        asio::co_spawn(socket_.get_executor(), [self]() { return self->process_loop(); }, asio::detached);
        asio::co_spawn(socket_.get_executor(), [self]() { return self->idle_watch(); }, asio::detached);
    }

    void event(const std::string& name, json data) override {
        send(json{{"id", current_id_}, {"event", name}, {"data", std::move(data)}});
    }
    bool client_gone() const override { return closed_; }
    void on_client_gone(std::function<void()> callback) override {
        if (closed_) {
            callback();
        } else {
            hang_up_callbacks_.push_back(std::move(callback));
        }
    }

private:
    asio::awaitable<void> read_loop() {
        auto self = shared_from_this();
        std::array<char, 64 * 1024> chunk{};
        std::string buffer;
        while (true) {
            boost::system::error_code error;
            std::size_t n = co_await socket_.async_read_some(asio::buffer(chunk), asio::redirect_error(use_awaitable, error));
            if (error) break;
            idle_.cancel();  // the client is there
            buffer.append(chunk.data(), n);
            std::size_t newline;
            std::size_t scanned = 0;
            while ((newline = buffer.find('\n', scanned)) != std::string::npos) {
                lines_.push_back(buffer.substr(scanned, newline - scanned));
                scanned = newline + 1;
            }
            buffer.erase(0, scanned);
            if (buffer.size() > kMaxLineBytes) {
                lines_.push_back(std::string("\x01too-long"));
                break;
            }
            wake_.cancel();
            // A client far ahead of its answers waits, in the kernel's buffers, not in ours.
            while (lines_.size() >= limits_.queued_requests && !closed_) {
                boost::system::error_code ignored;
                co_await room_.async_wait(asio::redirect_error(use_awaitable, ignored));
            }
        }
        closed_ = true;
        for (auto& callback : hang_up_callbacks_) callback();
        hang_up_callbacks_.clear();
        wake_.cancel();
        idle_.cancel();
    }

    // Closes a connection that sends nothing while none of its requests runs.
    asio::awaitable<void> idle_watch() {
        auto self = shared_from_this();
        while (!closed_) {
            idle_.expires_after(limits_.idle_timeout);
            boost::system::error_code error;
            co_await idle_.async_wait(asio::redirect_error(use_awaitable, error));
            if (closed_) break;
            if (error || busy_ || !lines_.empty()) continue;  // there was activity, or work is under way
            spdlog::info("api.idle_client closed after {} ms", limits_.idle_timeout.count());
            boost::system::error_code ignored;
            socket_.shutdown(stream_protocol::socket::shutdown_receive, ignored);
            socket_.cancel(ignored);
            break;
        }
    }

    asio::awaitable<void> process_loop() {
        auto self = shared_from_this();
        while (true) {
            while (lines_.empty() && !closed_) {
                boost::system::error_code ignored;
                co_await wake_.async_wait(asio::redirect_error(use_awaitable, ignored));
            }
            if (lines_.empty()) break;
            std::string line = std::move(lines_.front());
            lines_.pop_front();
            room_.cancel();
            if (line == "\x01too-long") {
                send(error_reply(nullptr, "bad-request", "request line longer than the limit", nullptr));
                break;
            }
            busy_ = true;
            co_await serve(line);
            busy_ = false;
            idle_.cancel();  // the idle time counts from the answer
        }
        co_await flush();
        boost::system::error_code ignored;
        socket_.shutdown(stream_protocol::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

    asio::awaitable<void> serve(const std::string& line) {
        auto request = decode_request(line);
        if (!request) {
            send(error_reply(nullptr, request.error().code(), request.error().what(), nullptr));
            co_return;
        }
        current_id_ = std::move(request->id);
        const auto& method = request->method;
        const auto& params = request->params;
        json reply;
        try {
            json result = co_await handler_.handle(method, params, *this);
            reply = json{{"id", current_id_}, {"result", std::move(result)}};
        } catch (const ApiError& error) {
            reply = error_reply(current_id_, error.code(), error.what(), error.details());
        } catch (const std::exception& error) {
            spdlog::error("api.failed method={}: {}", method, error.what());
            reply = error_reply(current_id_, "internal", error.what(), nullptr);
        }
        // Hang-up callbacks belong to the request that registered them, whose state is gone now.
        hang_up_callbacks_.clear();
        send(std::move(reply));
    }

    static json error_reply(const json& id, const std::string& code, const std::string& message, const json& details) {
        json error{{"code", code}, {"message", message}};
        if (!details.is_null()) error["details"] = details;
        return json{{"id", id}, {"error", std::move(error)}};
    }

    void send(const json& message) {
        if (closed_ && write_failed_) return;
        outbox_.push_back(message.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        if (writing_) return;
        writing_ = true;
        auto self = shared_from_this();
        asio::co_spawn(socket_.get_executor(), [self]() { return self->write_loop(); }, asio::detached);
    }

    asio::awaitable<void> write_loop() {
        auto self = shared_from_this();
        while (!outbox_.empty()) {
            std::string line = std::move(outbox_.front());
            outbox_.pop_front();
            boost::system::error_code error;
            co_await asio::async_write(socket_, asio::buffer(line), asio::redirect_error(use_awaitable, error));
            if (error) {
                write_failed_ = true;
                outbox_.clear();
            }
        }
        writing_ = false;
        wake_.cancel();
    }

    asio::awaitable<void> sent() override { co_await flush(); }

    // Waits until every queued line is written.
    asio::awaitable<void> flush() {
        while (writing_) {
            boost::system::error_code ignored;
            co_await wake_.async_wait(asio::redirect_error(use_awaitable, ignored));
        }
    }

    stream_protocol::socket socket_;
    Handler& handler_;
    ServerLimits limits_;
    std::shared_ptr<std::size_t> clients_;  // the server's count of sessions
    asio::steady_timer wake_;  // a condition variable: cancelled to wake the processor
    asio::steady_timer room_;  // cancelled when a queued request line is taken
    asio::steady_timer idle_;
    std::deque<std::string> lines_;
    std::deque<std::string> outbox_;
    std::vector<std::function<void()>> hang_up_callbacks_;
    json current_id_;
    bool closed_ = false;
    bool busy_ = false;  // a request is being served
    bool writing_ = false;
    bool write_failed_ = false;
};

// One error line to a client that is not served, then the connection closes. The line is
// far smaller than a socket's buffer, so the write does not wait for the client.
void refuse(stream_protocol::socket& socket, const std::string& code, const std::string& message) {
    auto line = json{{"id", nullptr}, {"error", {{"code", code}, {"message", message}}}}.dump() + "\n";
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    asio::write(socket, asio::buffer(line), ignored);
}

bool peer_is_root(stream_protocol::socket& socket) {
    ucred credentials{};
    socklen_t length = sizeof credentials;
    if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return false;
    return credentials.uid == 0;
}

}  // namespace

ControlServer::ControlServer(asio::io_context& io, std::filesystem::path socket_path, Handler& handler,
                             ServerLimits limits)
    : io_(io), socket_path_(std::move(socket_path)), handler_(handler), limits_(limits), acceptor_(io) {}

void ControlServer::start() {
    std::error_code ignored;
    std::filesystem::remove(socket_path_, ignored);  // stale from a killed emud; we hold the lock
    stream_protocol::endpoint endpoint(socket_path_.string());
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    ::chmod(socket_path_.c_str(), 0600);
    acceptor_.listen();
    asio::co_spawn(io_, accept_loop(), asio::detached);
}

void ControlServer::stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

asio::awaitable<void> ControlServer::accept_loop() {
    while (acceptor_.is_open()) {
        boost::system::error_code error;
        auto socket = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, error));
        if (error) {
            if (error == asio::error::operation_aborted) co_return;
            spdlog::warn("api.accept_failed: {}", error.message());
            continue;
        }
        if (!peer_is_root(socket)) {
            refuse(socket, "forbidden", "emud serves root only");
            continue;
        }
        if (*clients_ >= limits_.clients) {
            spdlog::warn("api.too_many_clients limit={}", limits_.clients);
            refuse(socket, "busy", fmt::format("emud serves at most {} clients at once; try again", limits_.clients));
            continue;
        }
        std::make_shared<Session>(std::move(socket), handler_, limits_, clients_)->start();
    }
}

}  // namespace emu::api
