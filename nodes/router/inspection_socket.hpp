#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "lib/net/asio.hpp"

namespace emu::router {

// `emu-router show TOPIC` asks the router daemon running in the same node. The two meet on
// an abstract Unix socket: abstract names belong to a network namespace (unix(7)), so every
// router of a lab has its own under this one name, and no file is ever left behind. One
// JSON line each way: {"show": "routes"} → {"report": {...}} or {"error": "..."}.

/// The abstract socket's name (without the leading NUL).
inline constexpr std::string_view kInspectionSocketName = "emu-router";

/// The daemon's side: answers each question with what `answer` reports, one connection at a
/// time per coroutine, each bounded in size and time.
class InspectionServer {
public:
    /// Reports on a topic; throws std::invalid_argument for one it does not know.
    using Answer = std::function<nlohmann::json(const std::string& topic)>;

    /// Binds the socket; throws std::system_error when another router daemon runs in this node.
    InspectionServer(asio::io_context& io, Answer answer);

    /// Accepts and answers until the io_context stops.
    asio::awaitable<void> run();

private:
    asio::awaitable<void> serve(asio::local::stream_protocol::socket socket);

    asio::io_context& io_;
    Answer answer_;
    asio::local::stream_protocol::acceptor acceptor_;
};

/// The command's side: asks the daemon of this network namespace about `topic`; its report,
/// or why there is none (no daemon here, no answer within `timeout`, an error it gave).
tl::expected<nlohmann::json, std::string> ask_router(const std::string& topic, std::chrono::milliseconds timeout);

}  // namespace emu::router
