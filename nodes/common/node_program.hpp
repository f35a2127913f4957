#pragma once

// What every node program's main does the same way: read the JSON configuration emud
// wrote, say when it is ready, and run its I/O loop until SIGTERM or until the loop fails.

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "lib/net/asio.hpp"
#include "lib/util/files.hpp"

namespace emu::node {

/// How every node program's log lines begin: local time to the millisecond, then the level.
inline constexpr const char* kLogPattern = "%Y-%m-%dT%H:%M:%S.%e %l %v";

/// The configuration file as JSON. Throws std::invalid_argument when it cannot be read or
/// is not JSON; the program then says so and exits 2.
inline nlohmann::json read_json_config(const std::filesystem::path& path) {
    auto text = util::read_file(path);
    if (!text) throw std::invalid_argument("cannot read it");
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded()) throw std::invalid_argument("not JSON");
    return json;
}

/// Tells emud the program is listening: a line on the ready pipe emud passed as
/// EMU_READY_FD (emud/supervise/launcher.hpp), then the pipe is closed. Does nothing when
/// there is none (a program started by hand, or restarted).
inline void announce_ready() {
    const char* variable = std::getenv("EMU_READY_FD");
    if (variable == nullptr) return;
    char* end = nullptr;
    long fd = std::strtol(variable, &end, 10);
    if (end == variable || *end != '\0' || fd < 3 || fd > 1024) return;
    // emud may have stopped listening (the lab went down): no SIGPIPE for that.
    std::signal(SIGPIPE, SIG_IGN);
    ssize_t ignored = ::write(static_cast<int>(fd), "ready\n", 6);
    (void)ignored;
    ::close(static_cast<int>(fd));
    ::unsetenv("EMU_READY_FD");
}

/// Runs `loop` on `io` until SIGINT or SIGTERM (true: a clean stop) or until it throws
/// (false, logged as `failed_event`), so the program exits non-zero and the lab restarts it.
/// The program is announced ready first: its sockets are open once its loop is made.
inline bool run_until_stopped(asio::io_context& io, asio::awaitable<void> loop, const char* failed_event) {
    announce_ready();
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
    bool failed = false;
    asio::co_spawn(io, std::move(loop), [&](std::exception_ptr failure) {
        if (!failure) return;
        failed = true;
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& error) {
            spdlog::error("{}: {}", failed_event, error.what());
        }
        io.stop();
    });
    io.run();
    return !failed;
}

}  // namespace emu::node
