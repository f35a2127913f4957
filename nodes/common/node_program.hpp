#pragma once

// What every node program's main does the same way: read the JSON configuration emud
// wrote, and run its I/O loop until SIGTERM or until the loop fails.

#include <csignal>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "lib/net/asio.hpp"
#include "lib/util/files.hpp"

namespace emu::node {

/// The configuration file as JSON. Throws std::invalid_argument when it cannot be read or
/// is not JSON; the program then says so and exits 2.
inline nlohmann::json read_json_config(const std::filesystem::path& path) {
    auto text = util::read_file(path);
    if (!text) throw std::invalid_argument("cannot read it");
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded()) throw std::invalid_argument("not JSON");
    return json;
}

/// Runs `loop` on `io` until SIGINT or SIGTERM (true: a clean stop) or until it throws
/// (false, logged as `failed_event`), so the program exits non-zero and the lab restarts it.
inline bool run_until_stopped(asio::io_context& io, asio::awaitable<void> loop, const char* failed_event) {
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
