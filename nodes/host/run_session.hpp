#pragma once

// How an emu-host command runs its one network session: a coroutine on the command's own
// io_context, and the error it ended with, if any, said on stderr as the command's failure.

#include <exception>
#include <iostream>
#include <string>

#include "lib/net/asio.hpp"

namespace emu::host {

/// Runs `session` on `io` to its end; false, with "emu-host: WHAT: why" on stderr, when it threw.
inline bool run_session(asio::io_context& io, asio::awaitable<void> session, const std::string& what) {
    std::exception_ptr failure;
    asio::co_spawn(io, std::move(session), [&](std::exception_ptr error) { failure = error; });
    io.run();
    if (!failure) return true;
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& error) {
        std::cerr << "emu-host: " << what << ": " << error.what() << '\n';
    }
    return false;
}

}  // namespace emu::host
