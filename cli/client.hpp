#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/util/unique_fd.hpp"

namespace emu::cli {

/// A failure to report to the user and exit with; `details` are printed one per line.
/// The exit status of a wrong command line (`emu --help` lists every exit status).
inline constexpr int kUsageExit = 2;

class CliError : public std::runtime_error {
public:
    explicit CliError(const std::string& message, nlohmann::json details = nullptr, int exit_code = 1)
        : std::runtime_error(message), details_(std::move(details)), exit_code_(exit_code) {}
    const nlohmann::json& details() const { return details_; }
    int exit_code() const { return exit_code_; }

private:
    nlohmann::json details_;
    int exit_code_;
};

/// Receives a request's events; it may take `data` apart.
using EventSink = std::function<void(const std::string& name, nlohmann::json& data)>;

/// A connection to emud's control socket.
class Client {
public:
    /// Connects, starting emud (found beside this program) when it is not running.
    static Client connect();

    /// Sends one request and waits for its reply, passing events on as they come.
    /// Throws CliError with emud's message when the reply is an error.
    nlohmann::json call(const std::string& method, const nlohmann::json& params, const EventSink& events = {});

private:
    explicit Client(util::UniqueFd socket) : socket_(std::move(socket)) {}
    util::UniqueFd socket_;
    std::string buffer_;
    std::size_t scanned_ = 0;  ///< buffer_ has no newline before here
    int next_id_ = 1;
};

/// Throws a CliError saying that `what` needs root, unless we are root.
void require_root(const std::string& what);

}  // namespace emu::cli
