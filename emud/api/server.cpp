#include "emud/api/server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>

#include <deque>

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
    Session(stream_protocol::socket socket, Handler& handler)
        : socket_(std::move(socket)), handler_(handler), wake_(socket_.get_executor()) {
        wake_.expires_at(asio::steady_timer::time_point::max());
    }

    void start() {
        auto self = shared_from_this();
        asio::co_spawn(socket_.get_executor(), [self]() { return self->read_loop(); }, asio::detached);
        asio::co_spawn(socket_.get_executor(), [self]() { return self->process_loop(); }, asio::detached);
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
            buffer.append(chunk.data(), n);
            std::size_t newline;
            while ((newline = buffer.find('\n')) != std::string::npos) {
                lines_.push_back(buffer.substr(0, newline));
                buffer.erase(0, newline + 1);
            }
            if (buffer.size() > kMaxLineBytes) {
                lines_.push_back(std::string("\x01too-long"));
                break;
            }
            wake_.cancel();
        }
        closed_ = true;
        for (auto& callback : hang_up_callbacks_) callback();
        hang_up_callbacks_.clear();
        wake_.cancel();
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
            if (line == "\x01too-long") {
                send(error_reply(nullptr, "bad-request", "request line longer than the limit", nullptr));
                break;
            }
            co_await serve(line);
        }
        co_await flush();
        boost::system::error_code ignored;
        socket_.shutdown(stream_protocol::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

    asio::awaitable<void> serve(const std::string& line) {
        auto request = json::parse(line, nullptr, false);
        if (request.is_discarded() || !request.is_object() || !request.contains("method") ||
            !request["method"].is_string()) {
            send(error_reply(nullptr, "bad-request", "a request is a JSON object with a \"method\"", nullptr));
            co_return;
        }
        current_id_ = request.value("id", json(nullptr));
        auto method = request["method"].get<std::string>();
        auto params = request.value("params", json::object());
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
    asio::steady_timer wake_;  // a condition variable: cancelled to wake the processor
    std::deque<std::string> lines_;
    std::deque<std::string> outbox_;
    std::vector<std::function<void()>> hang_up_callbacks_;
    json current_id_;
    bool closed_ = false;
    bool writing_ = false;
    bool write_failed_ = false;
};

bool peer_is_root(stream_protocol::socket& socket) {
    ucred credentials{};
    socklen_t length = sizeof credentials;
    if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return false;
    return credentials.uid == 0;
}

}  // namespace

ControlServer::ControlServer(asio::io_context& io, std::filesystem::path socket_path, Handler& handler)
    : io_(io), socket_path_(std::move(socket_path)), handler_(handler), acceptor_(io) {}

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
            std::string refusal = R"({"id":null,"error":{"code":"forbidden","message":"emud serves root only"}})" "\n";
            boost::system::error_code ignored;
            asio::write(socket, asio::buffer(refusal), ignored);
            continue;
        }
        std::make_shared<Session>(std::move(socket), handler_)->start();
    }
}

}  // namespace emu::api
