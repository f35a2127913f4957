#include "nodes/host/http_url.hpp"

namespace emu::host {

tl::expected<HttpUrl, std::string> parse_http_url(std::string_view text) {
    if (text.rfind("http://", 0) != 0) return tl::unexpected(std::string("only http:// URLs are fetched"));
    text.remove_prefix(7);
    HttpUrl url;
    auto path_at = text.find_first_of("/?");
    auto authority = text.substr(0, path_at);
    if (path_at != std::string_view::npos) {
        url.target = std::string(text.substr(path_at));
        if (url.target.front() == '?') url.target = "/" + url.target;
    }
    if (auto at = authority.find('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        auto port = authority.substr(colon + 1);
        unsigned value = 0;
        if (port.empty() || port.size() > 5) return tl::unexpected("'" + std::string(port) + "' is not a port");
        for (char c : port) {
            if (c < '0' || c > '9') return tl::unexpected("'" + std::string(port) + "' is not a port");
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (value == 0 || value > 65535) return tl::unexpected("'" + std::string(port) + "' is not a port");
        url.port = static_cast<std::uint16_t>(value);
        authority = authority.substr(0, colon);
    }
    if (authority.empty()) return tl::unexpected(std::string("the URL names no host"));
    url.host = std::string(authority);
    if (auto fragment = url.target.find('#'); fragment != std::string::npos) url.target.erase(fragment);
    return url;
}

}  // namespace emu::host
