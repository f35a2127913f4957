#include "lib/wire/http.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace emu::wire {
namespace {

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// RFC 9110 §5.6.2: tchar.
bool is_token_char(char c) {
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) { return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char); }

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The next line from `at`: its text without CRLF or LF, and where the one after starts.
// nullopt when no LF has arrived yet; `bare_cr` when a CR stands anywhere but before the LF.
struct Line {
    std::string_view text;
    std::size_t next = 0;
    bool bare_cr = false;
};
std::optional<Line> next_line(std::string_view buffer, std::size_t at) {
    auto end = buffer.find('\n', at);
    if (end == std::string_view::npos) return std::nullopt;
    Line line;
    line.text = buffer.substr(at, end - at);
    line.next = end + 1;
    if (!line.text.empty() && line.text.back() == '\r') line.text.remove_suffix(1);
    line.bare_cr = line.text.find('\r') != std::string_view::npos;
    return line;
}

bool parse_version(std::string_view text, HttpVersion& version) {
    // RFC 9112 §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive.
    if (text.size() != 8 || text.substr(0, 5) != "HTTP/" || !std::isdigit(static_cast<unsigned char>(text[5])) ||
        text[6] != '.' || !std::isdigit(static_cast<unsigned char>(text[7]))) {
        return false;
    }
    version.major = text[5] - '0';
    version.minor = text[7] - '0';
    return true;
}

template <typename Head>
HttpHeadResult<Head> failure(int status, std::string why) {
    HttpHeadResult<Head> result;
    result.state = HttpHeadResult<Head>::State::error;
    result.status = status;
    result.error = std::move(why);
    return result;
}

// The field lines from `at` to the empty line (RFC 9112 §5). Returns the state; on success
// `size` is where the head ends.
template <typename Head>
HttpHeadResult<Head> read_fields(std::string_view buffer, std::size_t at, const HttpLimits& limits, Head head) {
    std::size_t section_start = at;
    while (true) {
        auto line = next_line(buffer, at);
        if (!line) {
            if (buffer.size() - section_start > limits.field_section) {
                return failure<Head>(431, "the header fields are larger than " + std::to_string(limits.field_section) + " bytes");
            }
            return {};
        }
        if (line->next - section_start > limits.field_section) {
            return failure<Head>(431, "the header fields are larger than " + std::to_string(limits.field_section) + " bytes");
        }
        if (line->bare_cr) return failure<Head>(400, "a CR that does not end a line");
        if (line->text.empty()) {
            HttpHeadResult<Head> result;
            result.state = HttpHeadResult<Head>::State::complete;
            result.head = std::move(head);
            result.size = line->next;
            return result;
        }
        if (line->text.front() == ' ' || line->text.front() == '\t') {
            return failure<Head>(400, "a folded header line (obs-fold, RFC 9112 §5.2)");
        }
        auto colon = line->text.find(':');
        if (colon == std::string_view::npos) return failure<Head>(400, "a header line without a colon");
        auto name = line->text.substr(0, colon);
        if (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
            return failure<Head>(400, "whitespace between a field name and its colon (RFC 9112 §5.1)");
        }
        if (!is_token(name)) return failure<Head>(400, "a field name that is not a token");
        auto value = trimmed(line->text.substr(colon + 1));
        if (std::any_of(value.begin(), value.end(), [](char c) {
                auto byte = static_cast<unsigned char>(c);
                return (byte < 0x20 && c != '\t') || byte == 0x7f;
            })) {
            return failure<Head>(400, "a control character in the value of " + std::string(name));
        }
        if (head.fields.fields.size() >= limits.fields) {
            return failure<Head>(431, "more than " + std::to_string(limits.fields) + " header fields");
        }
        head.fields.add(std::string(name), std::string(value));
        at = line->next;
    }
}

std::string write_fields(const HttpFields& fields) {
    std::string text;
    for (const auto& field : fields.fields) text += field.name + ": " + field.value + "\r\n";
    return text + "\r\n";
}

// RFC 9110 §8.6: Content-Length is one decimal number; a list of the same number is that
// number (a proxy may have joined copies).
std::optional<std::uint64_t> content_length(const HttpFields& fields) {
    std::optional<std::uint64_t> length;
    for (const auto& field : fields.fields) {
        if (!same_name(field.name, "Content-Length")) continue;
        std::string_view rest = field.value;
        while (true) {
            auto comma = rest.find(',');
            auto item = trimmed(rest.substr(0, comma));
            if (item.empty() || item.size() > 19 || !std::all_of(item.begin(), item.end(), [](char c) {
                    return std::isdigit(static_cast<unsigned char>(c));
                })) {
                return std::nullopt;
            }
            std::uint64_t value = std::stoull(std::string(item));
            if (length && *length != value) return std::nullopt;
            length = value;
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return length;
}

std::vector<std::string> codings(const HttpFields& fields) {
    std::vector<std::string> list;
    auto joined = fields.combined("Transfer-Encoding");
    if (!joined) return list;
    std::string_view rest = *joined;
    while (true) {
        auto comma = rest.find(',');
        auto item = trimmed(rest.substr(0, comma));
        // Parameters (";q=…") are not part of the coding's name.
        item = trimmed(item.substr(0, item.find(';')));
        if (!item.empty()) list.push_back(lower(item));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return list;
}

}  // namespace

const HttpField* HttpFields::find(std::string_view name) const {
    auto it = std::find_if(fields.begin(), fields.end(), [&](const HttpField& field) { return same_name(field.name, name); });
    return it == fields.end() ? nullptr : &*it;
}

std::size_t HttpFields::count(std::string_view name) const {
    return static_cast<std::size_t>(
        std::count_if(fields.begin(), fields.end(), [&](const HttpField& field) { return same_name(field.name, name); }));
}

std::optional<std::string> HttpFields::combined(std::string_view name) const {
    std::optional<std::string> value;
    for (const auto& field : fields) {
        if (!same_name(field.name, name)) continue;
        value = value ? *value + ", " + field.value : field.value;
    }
    return value;
}

bool HttpFields::has_token(std::string_view name, std::string_view token) const {
    for (const auto& field : fields) {
        if (!same_name(field.name, name)) continue;
        std::string_view rest = field.value;
        while (true) {
            auto comma = rest.find(',');
            if (same_name(trimmed(rest.substr(0, comma)), token)) return true;
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return false;
}

void HttpFields::set(std::string name, std::string value) {
    auto first = std::find_if(fields.begin(), fields.end(), [&](const HttpField& field) { return same_name(field.name, name); });
    if (first == fields.end()) {
        add(std::move(name), std::move(value));
        return;
    }
    first->value = std::move(value);
    fields.erase(std::remove_if(first + 1, fields.end(), [&](const HttpField& field) { return same_name(field.name, name); }),
                 fields.end());
}

HttpHeadResult<HttpRequestHead> read_request_head(Bytes bytes, const HttpLimits& limits) {
    std::string_view buffer(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    std::size_t at = 0;
    // RFC 9112 §2.2: empty lines before the request line are skipped (a client's stray CRLF
    // after a body).
    while (at < buffer.size() && (buffer[at] == '\n' || (buffer[at] == '\r' && at + 1 < buffer.size() && buffer[at + 1] == '\n'))) {
        at += buffer[at] == '\r' ? 2 : 1;
    }
    auto line = next_line(buffer, at);
    if (!line) {
        if (buffer.size() - at > limits.line) return failure<HttpRequestHead>(414, "the request line is too long");
        return {};
    }
    if (line->text.size() > limits.line) return failure<HttpRequestHead>(414, "the request line is too long");
    if (line->bare_cr) return failure<HttpRequestHead>(400, "a CR that does not end a line");
    // RFC 9112 §3: method SP request-target SP HTTP-version.
    auto first_space = line->text.find(' ');
    auto last_space = line->text.rfind(' ');
    if (first_space == std::string_view::npos || first_space == last_space) {
        return failure<HttpRequestHead>(400, "the request line is not `METHOD TARGET HTTP/1.1`");
    }
    HttpRequestHead head;
    head.method = std::string(line->text.substr(0, first_space));
    head.target = std::string(line->text.substr(first_space + 1, last_space - first_space - 1));
    auto version = line->text.substr(last_space + 1);
    if (!is_token(head.method)) return failure<HttpRequestHead>(400, "the method is not a token");
    if (head.target.empty() || std::any_of(head.target.begin(), head.target.end(), [](char c) {
            auto byte = static_cast<unsigned char>(c);
            return byte <= 0x20 || byte == 0x7f;
        })) {
        return failure<HttpRequestHead>(400, "the request target is empty or holds whitespace or controls");
    }
    if (!parse_version(version, head.version)) return failure<HttpRequestHead>(400, "'" + std::string(version) + "' is not an HTTP version");
    if (head.version.major != 1) return failure<HttpRequestHead>(505, "HTTP/" + std::to_string(head.version.major) + " is not served");
    auto result = read_fields(buffer, line->next, limits, std::move(head));
    if (result.state != HttpHeadResult<HttpRequestHead>::State::complete) return result;
    // RFC 9112 §3.2: an HTTP/1.1 request carries exactly one Host.
    auto hosts = result.head.fields.count("Host");
    if ((result.head.version.minor >= 1 && hosts == 0) || hosts > 1) {
        return failure<HttpRequestHead>(400, hosts == 0 ? "no Host header (RFC 9112 §3.2)" : "more than one Host header");
    }
    return result;
}

HttpHeadResult<HttpResponseHead> read_response_head(Bytes bytes, const HttpLimits& limits) {
    std::string_view buffer(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    auto line = next_line(buffer, 0);
    if (!line) {
        if (buffer.size() > limits.line) return failure<HttpResponseHead>(502, "the status line is too long");
        return {};
    }
    if (line->text.size() > limits.line) return failure<HttpResponseHead>(502, "the status line is too long");
    if (line->bare_cr) return failure<HttpResponseHead>(502, "a CR that does not end a line");
    // RFC 9112 §4: HTTP-version SP status-code SP [reason-phrase].
    HttpResponseHead head;
    auto text = line->text;
    if (text.size() < 12 || text[8] != ' ' || !parse_version(text.substr(0, 8), head.version) ||
        !std::all_of(text.begin() + 9, text.begin() + 12, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
        (text.size() > 12 && text[12] != ' ')) {
        return failure<HttpResponseHead>(502, "the status line is not `HTTP/1.1 200 OK`");
    }
    head.status = std::stoi(std::string(text.substr(9, 3)));
    if (head.status < 100) return failure<HttpResponseHead>(502, "a status below 100");
    head.reason = text.size() > 13 ? std::string(text.substr(13)) : "";
    return read_fields(buffer, line->next, limits, std::move(head));
}

std::string write_request_head(const HttpRequestHead& head) {
    return head.method + " " + head.target + " HTTP/" + std::to_string(head.version.major) + "." +
           std::to_string(head.version.minor) + "\r\n" + write_fields(head.fields);
}

std::string write_response_head(const HttpResponseHead& head) {
    return "HTTP/" + std::to_string(head.version.major) + "." + std::to_string(head.version.minor) + " " +
           std::to_string(head.status) + " " + head.reason + "\r\n" + write_fields(head.fields);
}

HttpFramingResult request_body_framing(const HttpRequestHead& head) {
    HttpFramingResult result;
    auto list = codings(head.fields);
    bool has_length = head.fields.count("Content-Length") > 0;
    if (head.fields.count("Transfer-Encoding") > 0) {
        // RFC 9112 §6.3 rules 3 and 4: both present is a smuggling attempt; chunked must be last.
        if (has_length) return {{}, 400, "both Transfer-Encoding and Content-Length"};
        if (list.empty() || list.back() != "chunked") return {{}, 400, "a transfer coding whose last is not chunked"};
        if (list.size() > 1) return {{}, 501, "transfer codings other than chunked are not supported"};
        result.framing.kind = HttpBodyFraming::Kind::chunked;
        return result;
    }
    if (has_length) {
        auto length = content_length(head.fields);
        if (!length) return {{}, 400, "a Content-Length that is not one number"};
        result.framing = {*length > 0 ? HttpBodyFraming::Kind::length : HttpBodyFraming::Kind::none, *length};
    }
    return result;
}

HttpFramingResult response_body_framing(const HttpResponseHead& head, std::string_view request_method) {
    HttpFramingResult result;
    // RFC 9112 §6.3 rule 1: no body to HEAD, nor in 1xx, 204 and 304; rule 2: after a 2xx to
    // CONNECT the connection is a tunnel.
    if (request_method == "HEAD" || (head.status >= 100 && head.status < 200) || head.status == 204 || head.status == 304 ||
        (request_method == "CONNECT" && head.status >= 200 && head.status < 300)) {
        return result;
    }
    auto list = codings(head.fields);
    if (!list.empty()) {
        result.framing.kind = list.back() == "chunked" ? HttpBodyFraming::Kind::chunked : HttpBodyFraming::Kind::until_close;
        return result;
    }
    if (head.fields.count("Content-Length") > 0) {
        auto length = content_length(head.fields);
        if (!length) return {{}, 502, "a Content-Length that is not one number"};
        result.framing = {HttpBodyFraming::Kind::length, *length};
        return result;
    }
    result.framing.kind = HttpBodyFraming::Kind::until_close;
    return result;
}

std::size_t ChunkedDecoder::fail(std::string why, std::size_t used) {
    state_ = State::failed;
    error_ = std::move(why);
    return used;
}

std::size_t ChunkedDecoder::feed(Bytes input, std::vector<std::uint8_t>& body) {
    constexpr std::size_t kLineLimit = 4096;
    std::size_t used = 0;
    while (used < input.size() && state_ != State::done && state_ != State::failed) {
        if (state_ == State::data) {
            auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size() - used));
            body.insert(body.end(), input.begin() + static_cast<std::ptrdiff_t>(used),
                        input.begin() + static_cast<std::ptrdiff_t>(used + take));
            used += take;
            remaining_ -= take;
            if (remaining_ == 0) state_ = State::data_end;
            continue;
        }
        // The other states read a line.
        char c = static_cast<char>(input[used++]);
        if (c != '\n') {
            line_ += c;
            if (line_.size() > kLineLimit) return fail("a chunk line longer than 4096 bytes", used);
            continue;
        }
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        std::string line = std::move(line_);
        line_.clear();
        if (line.find('\r') != std::string::npos) return fail("a CR that does not end a line", used);
        switch (state_) {
            case State::size: {
                // chunk-size [chunk-ext]: hex digits, then extensions we skip (RFC 9112 §7.1.1).
                auto end = line.find_first_not_of("0123456789abcdefABCDEF");
                auto digits = line.substr(0, end);
                if (digits.empty() || digits.size() > 15) return fail("a chunk size that is not hex: '" + line + "'", used);
                auto rest = end == std::string::npos ? std::string_view{} : trimmed(std::string_view(line).substr(end));
                if (!rest.empty() && rest.front() != ';') return fail("junk after a chunk size: '" + line + "'", used);
                remaining_ = std::stoull(digits, nullptr, 16);
                if (remaining_ == 0) {
                    state_ = State::trailer;
                } else {
                    total_ += remaining_;
                    if (total_ > maximum_) return fail("a chunked body larger than allowed", used);
                    state_ = State::data;
                }
                break;
            }
            case State::data_end:
                if (!line.empty()) return fail("chunk data longer than its size", used);
                state_ = State::size;
                break;
            case State::trailer:
                if (line.empty()) state_ = State::done;  // trailer fields are read and dropped
                break;
            default:
                break;
        }
    }
    return used;
}

std::string chunked(std::string_view body) {
    std::string out;
    if (!body.empty()) {
        char size[20];
        std::snprintf(size, sizeof size, "%zx\r\n", body.size());
        out += size;
        out += body;
        out += "\r\n";
    }
    return out + "0\r\n\r\n";
}

std::string_view http_reason(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 204: return "No Content";
        case 206: return "Partial Content";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 304: return "Not Modified";
        case 400: return "Bad Request";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 411: return "Length Required";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 416: return "Range Not Satisfiable";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
    }
    return "";
}

}  // namespace emu::wire
