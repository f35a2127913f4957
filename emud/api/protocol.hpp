#pragma once

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

// emud's control socket speaks JSON lines: one object per line, UTF-8, '\n' after each.
//
//   request  {"id": 1, "method": "up", "params": {...}}
//   event    {"id": 1, "event": "progress", "data": {...}}       zero or more, before the reply
//   reply    {"id": 1, "result": {...}}
//         or {"id": 1, "error": {"code": "invalid-topology", "message": "...", "details": [...]}}
//
// Methods (docs/design.md lists their parameters and results):
//   ping, up, down, status, list, node, logs, topology, link, trace, capture, shutdown
//
// The socket is root's alone (mode 0600, and the peer's uid is checked), since whoever can
// talk to emud can create namespaces and run commands as root.

namespace emu::api {

/// The largest request line emud accepts: a topology of 16 MiB, escaped.
inline constexpr std::size_t kMaxLineBytes = 40u * 1024 * 1024;
/// The deepest nesting of arrays and objects in a request: every method's parameters are
/// flat (a topology travels as text), and the JSON parser recurses once per level, so a
/// request nested 60 000 deep would overflow emud's stack.
inline constexpr std::size_t kMaxNesting = 64;

/// What one server allows its clients (the defaults are emud's; tests make them small).
struct ServerLimits {
    /// How many clients are served at once; one more is told so and closed.
    std::size_t clients = 256;
    /// How long a client may stay connected sending nothing while no request of its runs (a
    /// half-open or forgotten connection), before the connection is closed.
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
    /// How many request lines a client may send ahead of the answers; no more of its socket
    /// is read until they are served, so the kernel's buffers hold the client back.
    std::size_t queued_requests = 16;
};

/// A request that cannot be served; becomes an error reply with this code and message.
class ApiError : public std::runtime_error {
public:
    ApiError(std::string code, const std::string& message, nlohmann::json details = nullptr)
        : std::runtime_error(message), code_(std::move(code)), details_(std::move(details)) {}
    const std::string& code() const { return code_; }
    const nlohmann::json& details() const { return details_; }

private:
    std::string code_;
    nlohmann::json details_;
};

/// One request line, decoded.
struct Request {
    nlohmann::json id;  ///< echoed in every line of the answer; null when the request has none
    std::string method;
    nlohmann::json params;  ///< always an object
};

/// How deeply arrays and objects nest in JSON text, counted without parsing (brackets inside
/// strings do not count), up to `limit` + 1: enough to refuse what is too deep.
std::size_t nesting_depth(std::string_view text, std::size_t limit);

/// Decodes a request line, every limit checked before the parser sees it. The error is a
/// "bad-request" whose message says what is wrong.
tl::expected<Request, ApiError> decode_request(std::string_view line);

}  // namespace emu::api
