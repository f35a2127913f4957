#pragma once

// The accept loop of a node program's TCP server with a cap on the connections it serves at
// once: each accepted connection gets a coroutine of its own; one past the cap is told so in
// the protocol's words and closed, so that a flood costs the server a descriptor for a moment
// and nothing more.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "lib/net/asio.hpp"
#include "nodes/common/accept_next.hpp"

namespace emu::node {

/// Serves every connection `acceptor` takes with `serve(socket)` (an awaitable), at most
/// `limit` at once; one more gets `refusal` (when not empty) and is closed. `name` starts the log lines
/// ("smtp" → smtp.accept_failed, smtp.refused). Returns when the acceptor is closed.
template <typename Serve>
asio::awaitable<void> serve_connections(asio::ip::tcp::acceptor& acceptor, std::size_t limit, const std::string& name,
                                        std::string_view refusal, Serve serve) {
    auto executor = co_await asio::this_coro::executor;
    // Shared with each connection's completion: a connection may outlive this loop.
    auto open = std::make_shared<std::size_t>(0);
    auto accept_failed = name + ".accept_failed";
    while (auto socket = co_await accept_next(acceptor, accept_failed.c_str())) {
        if (*open >= limit) {
            boost::system::error_code ignored;
            if (!refusal.empty()) asio::write(*socket, asio::buffer(refusal), ignored);
            spdlog::warn("{}.refused: {} connections already", name, *open);
            continue;
        }
        ++*open;
        asio::co_spawn(executor, serve(std::move(*socket)), [open](std::exception_ptr) { --*open; });
    }
}

}  // namespace emu::node
