#pragma once

// The accept loop of a node program's TCP server, hardened: a server out of file
// descriptors or memory (EMFILE, ENFILE, ENOBUFS), or handed a connection already reset,
// must not die of it — it says so and goes on, after a pause that lets connections close
// instead of spinning on the same error.

#include <chrono>
#include <optional>

#include <spdlog/spdlog.h>

#include "lib/net/asio.hpp"

namespace emu::node {

/// The next connection; nullopt once the acceptor is closed or cancelled. `event` names the
/// log line of a failed accept ("http.accept_failed").
inline asio::awaitable<std::optional<asio::ip::tcp::socket>> accept_next(asio::ip::tcp::acceptor& acceptor,
                                                                          const char* event) {
    while (true) {
        boost::system::error_code error;
        auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
        if (!error) co_return std::move(socket);
        if (error == asio::error::operation_aborted || error == asio::error::bad_descriptor) co_return std::nullopt;
        spdlog::warn("{}: {}", event, error.message());
        asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, error));
    }
}

}  // namespace emu::node
