#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lib/net/asio.hpp"
#include "nodes/host/stub_resolver.hpp"

namespace emu::host {

/// What a POP3 session brought back.
struct Pop3Fetch {
    std::string server;                 ///< "mail.b.example (10.0.2.25)"
    std::vector<std::string> messages;  ///< each as the server sent it, dot-stuffing undone
    bool deleted = false;               ///< DELE'd and QUIT said +OK: gone from the server
};

/// A user agent's POP3 session (RFC 1939) as the seed tells it: USER and PASS, STAT, RETR
/// of each message, DELE of each unless `keep`, and QUIT, which is when the server removes
/// them (the UPDATE state). `transcript` is told each command and status line. Throws
/// std::runtime_error naming the step and the server's answer.
asio::awaitable<Pop3Fetch> pop3_fetch(asio::io_context& io, const ResolverConfig& resolver, const std::string& host,
                                      const std::string& user, const std::string& password, bool keep,
                                      std::chrono::milliseconds timeout, const std::function<void(const std::string&)>& transcript);

}  // namespace emu::host
