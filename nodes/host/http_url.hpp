#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace emu::host {

/// An http:// URL's parts (RFC 9110 §4.2.1); only what a GET needs.
struct HttpUrl {
    std::string host;
    std::uint16_t port = 80;
    std::string target = "/";  ///< path and query
};

/// Reads "http://host[:port][/path][?query]"; a message says what is wrong otherwise.
tl::expected<HttpUrl, std::string> parse_http_url(std::string_view text);

}  // namespace emu::host
