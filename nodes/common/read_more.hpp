#pragma once

// The reads and writes of a line-protocol server's loop (SMTP, POP3), each with a deadline
// so that a silent peer, or one that stops reading, does not hold its connection for ever
// (RFC 5321 §4.5.3.2.7, RFC 1939 §3).

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "lib/net/asio.hpp"
#include "nodes/common/deadline.hpp"

namespace emu::node {

/// Appends what arrives next on `socket` to `buffer`. false at the end of the stream, on an
/// error, or when nothing came for `timeout` — `timed_out` then says which.
inline asio::awaitable<bool> read_more(asio::ip::tcp::socket& socket, std::vector<std::uint8_t>& buffer,
                                       std::chrono::milliseconds timeout, bool& timed_out) {
    std::array<std::uint8_t, 16 * 1024> chunk;
    boost::system::error_code error;
    std::size_t got = 0;
    {
        Deadline deadline(socket.get_executor(), timeout, [&socket] {
            boost::system::error_code ignored;
            socket.cancel(ignored);
        });
        got = co_await socket.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, error));
        timed_out = deadline.expired();
    }
    if (error) co_return false;
    buffer.insert(buffer.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
    co_return true;
}

/// Writes all of `bytes`, or gives up after `timeout` (a peer that stops reading must not
/// hold its connection, and what it holds, for ever); false then or on an error.
inline asio::awaitable<bool> write_before(asio::ip::tcp::socket& socket, std::string_view bytes,
                                          std::chrono::milliseconds timeout) {
    Deadline deadline(socket.get_executor(), timeout, [&socket] {
        boost::system::error_code ignored;
        socket.cancel(ignored);
    });
    boost::system::error_code error;
    co_await asio::async_write(socket, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, error));
    co_return !error;
}

/// Takes a refused line off the front of `buffer`, through its LF; false when its end has not
/// come (a line over the limit), and the connection cannot go on.
inline bool drop_refused_line(std::vector<std::uint8_t>& buffer) {
    for (std::size_t i = 0; i < buffer.size(); ++i) {
        if (buffer[i] != '\n') continue;
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(i + 1));
        return true;
    }
    return false;
}

}  // namespace emu::node
