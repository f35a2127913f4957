#include "nodes/httpd/site.hpp"

#include <array>
#include <cctype>
#include <ctime>
#include <map>

namespace emu::http {
namespace {

constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool within(const std::filesystem::path& root, const std::filesystem::path& path) {
    auto r = root.begin(), p = path.begin();
    for (; r != root.end(); ++r, ++p) {
        if (p == path.end() || *r != *p) return false;
    }
    return true;
}

}  // namespace

Resolved resolve_target(const std::filesystem::path& root, std::string_view target) {
    Resolved result;
    // absolute-form (a proxy's request): keep the path after the authority.
    if (target.rfind("http://", 0) == 0) {
        auto slash = target.find('/', 7);
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    target = target.substr(0, target.find_first_of("?#"));
    if (target.empty() || target.front() != '/') {
        result.kind = Resolved::Kind::bad;
        return result;
    }
    std::string decoded;
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (target[i] != '%') {
            decoded += target[i];
            continue;
        }
        int high = i + 2 < target.size() ? hex_value(target[i + 1]) : -1;
        int low = i + 2 < target.size() ? hex_value(target[i + 2]) : -1;
        if (high < 0 || low < 0) {
            result.kind = Resolved::Kind::bad;
            return result;
        }
        decoded += static_cast<char>(high << 4 | low);
        i += 2;
    }
    if (decoded.find('\0') != std::string::npos) {
        result.kind = Resolved::Kind::bad;
        return result;
    }
    // Segment by segment: `..` is never followed (RFC 3986 §5.2.4 would remove it, but a
    // request that climbs is refused outright, as nginx does); `.` and empty segments are skipped.
    std::filesystem::path relative;
    std::size_t start = 1;
    while (start <= decoded.size()) {
        auto end = decoded.find('/', start);
        auto segment = decoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (segment == "..") {
            result.kind = Resolved::Kind::forbidden;
            return result;
        }
        if (!segment.empty() && segment != ".") relative /= segment;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    std::error_code error;
    auto candidate = root / relative;
    auto status = std::filesystem::status(candidate, error);
    if (error || !std::filesystem::exists(status)) return result;  // not_found
    if (std::filesystem::is_directory(status)) {
        if (decoded.back() != '/') {
            result.kind = Resolved::Kind::redirect;
            result.location = std::string(target) + "/";
            return result;
        }
        candidate /= "index.html";
        status = std::filesystem::status(candidate, error);
        if (error || !std::filesystem::exists(status)) return result;
    }
    // Links are followed, but only to files under the root.
    auto real = std::filesystem::canonical(candidate, error);
    if (error || !within(root, real) || !std::filesystem::is_regular_file(status)) {
        result.kind = Resolved::Kind::forbidden;
        return result;
    }
    result.kind = Resolved::Kind::file;
    result.path = real;
    return result;
}

std::string content_type_for(const std::filesystem::path& path) {
    static const std::map<std::string, std::string> kTypes{
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".json", "application/json"},
        {".xml", "application/xml"},           {".svg", "image/svg+xml"},
        {".png", "image/png"},                 {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},               {".gif", "image/gif"},
        {".ico", "image/x-icon"},              {".webp", "image/webp"},
        {".pdf", "application/pdf"},           {".wasm", "application/wasm"},
        {".mp4", "video/mp4"},                 {".woff2", "font/woff2"}};
    auto extension = path.extension().string();
    for (auto& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = kTypes.find(extension);
    return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string http_date(std::chrono::system_clock::time_point time) {
    auto seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[static_cast<std::size_t>(utc.tm_wday)],
                  utc.tm_mday, kMonths[static_cast<std::size_t>(utc.tm_mon)], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                  utc.tm_sec);
    return text;
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
    // IMF-fixdate: day-name "," SP day SP month SP year SP hour ":" minute ":" second SP "GMT".
    if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") return std::nullopt;
    auto number = [&](std::size_t at, std::size_t length) -> int {
        int value = 0;
        for (std::size_t i = at; i < at + length; ++i) {
            if (!std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    std::tm utc{};
    utc.tm_mday = number(5, 2);
    utc.tm_mon = -1;
    for (std::size_t m = 0; m < kMonths.size(); ++m) {
        if (text.substr(8, 3) == kMonths[m]) utc.tm_mon = static_cast<int>(m);
    }
    utc.tm_year = number(12, 4) - 1900;
    utc.tm_hour = number(17, 2);
    utc.tm_min = number(20, 2);
    utc.tm_sec = number(23, 2);
    if (utc.tm_mday < 1 || utc.tm_mday > 31 || utc.tm_mon < 0 || utc.tm_year < 0 || utc.tm_hour < 0 || utc.tm_hour > 23 ||
        utc.tm_min < 0 || utc.tm_min > 59 || utc.tm_sec < 0 || utc.tm_sec > 60 || text[16] != ' ' || text[19] != ':' ||
        text[22] != ':' || text[7] != ' ' || text[11] != ' ') {
        return std::nullopt;
    }
    return std::chrono::system_clock::from_time_t(timegm(&utc));
}

}  // namespace emu::http
