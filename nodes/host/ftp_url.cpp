#include "nodes/host/ftp_url.hpp"

#include <charconv>
#include <optional>

namespace emu::host {
namespace {

// RFC 3986 §2.1: %XX is the byte XX. A line end or NUL, encoded or not, cannot be sent.
std::optional<std::string> percent_decoded(std::string_view text) {
    std::string result;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            unsigned value = 0;
            auto [end, error] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
            if (error != std::errc() || end != text.data() + i + 3) return std::nullopt;
            c = static_cast<char>(value);
            i += 2;
        }
        if (c == '\0' || c == '\r' || c == '\n') return std::nullopt;
        result += c;
    }
    return result;
}

}  // namespace

tl::expected<FtpUrl, std::string> parse_ftp_url(std::string_view text) {
    constexpr std::string_view kScheme = "ftp://";
    if (text.size() < kScheme.size() || text.substr(0, kScheme.size()) != kScheme) {
        return tl::make_unexpected("not an ftp:// URL");
    }
    auto rest = text.substr(kScheme.size());
    auto slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    auto path = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    FtpUrl url;
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        auto userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        auto colon = userinfo.find(':');
        auto user = percent_decoded(userinfo.substr(0, colon));
        auto password = percent_decoded(colon == std::string_view::npos ? "" : userinfo.substr(colon + 1));
        if (!user || !password || user->empty()) return tl::make_unexpected("the user or password is badly written");
        url.user = *user;
        url.password = *password;
    }
    if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        auto digits = authority.substr(colon + 1);
        unsigned port = 0;
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
            return tl::make_unexpected("the port is not a number from 1 to 65535");
        }
        url.port = static_cast<std::uint16_t>(port);
        authority = authority.substr(0, colon);
    }
    if (authority.empty()) return tl::make_unexpected("no host");
    url.host = std::string(authority);
    auto decoded = percent_decoded(path);
    if (!decoded) return tl::make_unexpected("the path is badly written");
    url.path = *decoded;
    return url;
}

}  // namespace emu::host
