#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "emud/api/protocol.hpp"
#include "lib/net/asio.hpp"

namespace emu::api {

/// What a handler may do while it serves one request.
class RequestContext {
public:
    virtual ~RequestContext() = default;
    /// Sends an event line before the reply (progress, a log line …).
    virtual void event(const std::string& name, nlohmann::json data) = 0;
    /// Waits until every event so far is written to the client, or the client is gone. A
    /// stream waits on it after each event, so a reader that stops reading stops the
    /// stream instead of growing emud's memory.
    virtual asio::awaitable<void> sent() = 0;
    /// True once the client has hung up; long requests (log following) stop then.
    virtual bool client_gone() const = 0;
    /// Called once if the client hangs up while this request runs (never after it).
    virtual void on_client_gone(std::function<void()> callback) = 0;
};

/// Serves the methods; the server calls it on the io_context's thread.
class Handler {
public:
    virtual ~Handler() = default;
    virtual asio::awaitable<nlohmann::json> handle(const std::string& method, const nlohmann::json& params,
                                                   RequestContext& context) = 0;
};

/// Listens on a Unix socket and serves JSON-line requests, one at a time per connection.
class ControlServer {
public:
    ControlServer(asio::io_context& io, std::filesystem::path socket_path, Handler& handler, ServerLimits limits = {});
    /// Binds (replacing a stale socket file), restricts it to root, and starts accepting.
    void start();
    void stop();

private:
    asio::awaitable<void> accept_loop();

    asio::io_context& io_;
    std::filesystem::path socket_path_;
    Handler& handler_;
    ServerLimits limits_;
    asio::local::stream_protocol::acceptor acceptor_;
    std::shared_ptr<std::size_t> clients_ = std::make_shared<std::size_t>(0);  ///< sessions open now
};

}  // namespace emu::api
