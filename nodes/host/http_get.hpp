#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/net/asio.hpp"
#include "lib/wire/http.hpp"
#include "nodes/host/http_url.hpp"
#include "nodes/host/stub_resolver.hpp"

namespace emu::host {

/// What a GET brought back.
struct HttpFetch {
    std::string address;  ///< the server's address, after DNS
    wire::HttpResponseHead head;
    std::vector<std::uint8_t> body;
};

/// The web-page request's last two steps as the seed tells them: the name to an address
/// (the node's resolver, unless the host is an address already), a TCP connection to it,
/// `GET` with Host, and the response, its body framed by Content-Length, chunked, or the
/// connection's end (RFC 9112 §6.3). Throws std::runtime_error saying which step failed.
asio::awaitable<HttpFetch> http_get(asio::io_context& io, const ResolverConfig& resolver, const HttpUrl& url,
                                    std::chrono::milliseconds timeout);

}  // namespace emu::host
