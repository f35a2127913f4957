#include "lib/wire/ftp.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

namespace emu::wire {
namespace {

// Telnet (RFC 854): IAC starts a command; WILL, WONT, DO and DONT take an option byte.
constexpr unsigned char kIac = 255;
constexpr unsigned char kWill = 251;
constexpr unsigned char kDont = 254;

bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

WireError error_at(std::string what, std::size_t offset) { return WireError{std::move(what), offset}; }

// A decimal number of one to five digits no greater than `maximum`, from the front of `text`.
std::optional<unsigned> take_number(std::string_view& text, unsigned maximum) {
    std::size_t digits = 0;
    unsigned value = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
        if (digits == 5) return std::nullopt;
        value = value * 10 + static_cast<unsigned>(text[digits] - '0');
        ++digits;
    }
    if (digits == 0 || value > maximum) return std::nullopt;
    text.remove_prefix(digits);
    return value;
}

// "h1,h2,h3,h4,p1,p2" from the front of `text`; `text` is left after it.
Parsed<FtpEndpoint> take_host_port(std::string_view& text) {
    std::array<unsigned, 6> numbers{};
    auto start = text;
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        if (i > 0) {
            if (text.empty() || text.front() != ',') {
                return tl::make_unexpected(error_at("six numbers separated by commas", start.size() - text.size()));
            }
            text.remove_prefix(1);
        }
        auto number = take_number(text, 255);
        if (!number) return tl::make_unexpected(error_at("a number 0-255", start.size() - text.size()));
        numbers[i] = *number;
    }
    Ipv4Address address{(numbers[0] << 24) | (numbers[1] << 16) | (numbers[2] << 8) | numbers[3]};
    return FtpEndpoint{address, static_cast<std::uint16_t>(numbers[4] * 256 + numbers[5])};
}

// RFC 2428 §2: the delimiter is any character in the range 33–126.
bool is_delimiter(char c) { return c >= 33 && c <= 126; }

// The fields between a delimiter: "|a|b|c|" with `count` fields; empty ones kept.
std::optional<std::vector<std::string_view>> delimited_fields(std::string_view text, std::size_t count) {
    if (text.empty() || !is_delimiter(text.front())) return std::nullopt;
    char delimiter = text.front();
    std::vector<std::string_view> fields;
    std::size_t at = 1;
    for (std::size_t i = 0; i < count; ++i) {
        auto end = text.find(delimiter, at);
        if (end == std::string_view::npos) return std::nullopt;
        fields.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    if (at != text.size()) return std::nullopt;
    return fields;
}

std::optional<std::uint16_t> tcp_port(std::string_view text) {
    auto number = take_number(text, 65535);
    if (!number || !text.empty() || *number == 0) return std::nullopt;
    return static_cast<std::uint16_t>(*number);
}

}  // namespace

TextRead<FtpCommand> read_ftp_command(Bytes buffer, const FtpLimits& limits) {
    using Result = TextRead<FtpCommand>;
    // The line with Telnet commands taken out; `used` counts the raw bytes it took.
    std::string line;
    std::size_t used = 0;
    bool ended = false;
    while (used < buffer.size()) {
        auto byte = buffer[used];
        if (byte == kIac) {
            if (used + 1 >= buffer.size()) break;
            auto command = buffer[used + 1];
            if (command == kIac) {
                line.push_back(static_cast<char>(kIac));
                used += 2;
            } else if (command >= kWill && command <= kDont) {
                // RFC 959 §4.1 leaves option negotiation to Telnet, which an FTP server need
                // not speak; a client of ours never sends it.
                return Result::failed("a Telnet option negotiation on the control connection");
            } else {
                used += 2;  // IP, DM, AO …: §4.1.3's Synch before ABOR; nothing of the line
            }
            if (used >= limits.line) return Result::failed(fmt::format("a command line over {} bytes", limits.line));
            continue;
        }
        ++used;
        if (byte == '\n') {
            ended = true;
            break;
        }
        line.push_back(static_cast<char>(byte));
        // The limit is on the bytes as sent (Telnet escapes included), the line's end counted
        // as CRLF: a line read with a bare LF then fits when written back.
        if (used >= limits.line) return Result::failed(fmt::format("a command line over {} bytes", limits.line));
    }
    if (!ended) return Result{};
    bool crlf = !line.empty() && line.back() == '\r';
    if (crlf) line.pop_back();
    if (!crlf && used + 1 > limits.line) return Result::failed(fmt::format("a command line over {} bytes", limits.line));
    if (line.find('\r') != std::string::npos) return Result::failed("a CR inside a command line");
    if (line.find('\0') != std::string::npos) return Result::failed("a NUL in a command line");
    auto space = line.find(' ');
    std::string_view verb = std::string_view(line).substr(0, space);
    if (verb.size() < 3 || verb.size() > 4 || !std::all_of(verb.begin(), verb.end(), is_letter)) {
        return Result::failed("a command must start with a verb of three or four letters");
    }
    FtpCommand command{upper_ascii(verb), space == std::string::npos ? std::string() : line.substr(space + 1)};
    return Result::done(std::move(command), used);
}

std::string write_ftp_command(const FtpCommand& command) {
    std::string out = command.verb;
    if (!command.argument.empty()) out += ' ';
    for (char c : command.argument) {
        out.push_back(c);
        if (static_cast<unsigned char>(c) == kIac) out.push_back(c);  // Telnet's escape for a 0xFF byte
    }
    return out + "\r\n";
}

std::string FtpReply::text() const {
    std::string out;
    for (const auto& line : lines) {
        if (!out.empty()) out += '\n';
        out += line;
    }
    return out;
}

TextRead<FtpReply> read_ftp_reply(Bytes buffer, const FtpLimits& limits) {
    using Result = TextRead<FtpReply>;
    auto text = as_text(buffer);
    auto first = next_text_line(text, 0, limits.line, LineEnd::crlf_or_lf);
    if (first.state == TextLine::State::incomplete) return Result{};
    if (first.state != TextLine::State::complete) return Result::failed(line_error(first, limits.line, LineEnd::crlf_or_lf));
    FtpReply reply;
    reply.code = reply_code(first.text);
    if (reply.code < 0 || first.text.size() < 4 || (first.text[3] != ' ' && first.text[3] != '-')) {
        return Result::failed("a reply must start with a three-digit code and a space or a hyphen");
    }
    reply.lines.emplace_back(first.text.substr(4));
    if (first.text[3] == ' ') return Result::done(std::move(reply), first.next);
    // RFC 959 §4.2: the reply goes on until a line that starts with the same code and a space.
    auto last_prefix = first.text.substr(0, 3);
    std::size_t at = first.next;
    while (true) {
        auto line = next_text_line(text, at, limits.line, LineEnd::crlf_or_lf);
        if (line.state == TextLine::State::incomplete) return Result{};
        if (line.state != TextLine::State::complete) return Result::failed(line_error(line, limits.line, LineEnd::crlf_or_lf));
        if (reply.lines.size() == limits.reply_lines) {
            return Result::failed(fmt::format("a reply of more than {} lines", limits.reply_lines));
        }
        at = line.next;
        if (line.text.size() >= 4 && line.text.substr(0, 3) == last_prefix && line.text[3] == ' ') {
            reply.lines.emplace_back(line.text.substr(4));
            return Result::done(std::move(reply), at);
        }
        reply.lines.emplace_back(line.text);
    }
}

std::string write_ftp_reply(const FtpReply& reply) {
    auto code = fmt::format("{:03}", reply.code);
    if (reply.lines.size() <= 1) return code + " " + (reply.lines.empty() ? std::string() : reply.lines.front()) + "\r\n";
    std::string out = code + "-" + reply.lines.front() + "\r\n";
    for (std::size_t i = 1; i + 1 < reply.lines.size(); ++i) {
        const auto& line = reply.lines[i];
        bool reads_as_last = line.size() >= 4 && line.compare(0, 3, code) == 0 && line[3] == ' ';
        out += (reads_as_last ? " " : "") + line + "\r\n";
    }
    return out + code + " " + reply.lines.back() + "\r\n";
}

Parsed<FtpEndpoint> parse_ftp_host_port(std::string_view text) {
    auto rest = text;
    auto endpoint = take_host_port(rest);
    if (!endpoint) return endpoint;
    if (!rest.empty()) return tl::make_unexpected(error_at("nothing after the port's two numbers", text.size() - rest.size()));
    return endpoint;
}

std::string write_ftp_host_port(const FtpEndpoint& endpoint) {
    auto bytes = endpoint.address.v4().bytes();
    return fmt::format("{},{},{},{},{},{}", bytes[0], bytes[1], bytes[2], bytes[3], endpoint.port >> 8, endpoint.port & 0xff);
}

Parsed<FtpEndpoint> parse_pasv_reply(std::string_view text) {
    auto first_digit = std::find_if(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (first_digit == text.end()) return tl::make_unexpected(error_at("no address in the 227 reply", text.size()));
    auto rest = text.substr(static_cast<std::size_t>(first_digit - text.begin()));
    auto offset = text.size() - rest.size();
    auto endpoint = take_host_port(rest);
    if (!endpoint) return tl::make_unexpected(error_at(endpoint.error().what, offset + endpoint.error().offset));
    return endpoint;
}

Parsed<FtpEndpoint> parse_eprt(std::string_view text) {
    auto fields = delimited_fields(text, 3);
    if (!fields) return tl::make_unexpected(error_at("EPRT takes |family|address|port|", 0));
    const auto& family = (*fields)[0];
    auto address = IpAddress::parse((*fields)[1]);
    if (!address) return tl::make_unexpected(error_at("EPRT's address: " + address.error(), 3));
    if (!((family == "1" && address->is_v4()) || (family == "2" && address->is_v6()))) {
        return tl::make_unexpected(error_at("EPRT's family is 1 for IPv4 or 2 for IPv6, as its address", 1));
    }
    auto port = tcp_port((*fields)[2]);
    if (!port) return tl::make_unexpected(error_at("EPRT's port is 1-65535", text.size() - (*fields)[2].size() - 1));
    return FtpEndpoint{*address, *port};
}

std::string write_eprt(const FtpEndpoint& endpoint) {
    return fmt::format("|{}|{}|{}|", endpoint.address.is_v4() ? 1 : 2, endpoint.address.to_string(), endpoint.port);
}

Parsed<std::uint16_t> parse_epsv_reply(std::string_view text) {
    auto open = text.find('(');
    auto close = text.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
        return tl::make_unexpected(error_at("no (|||port|) in the 229 reply", text.size()));
    }
    auto fields = delimited_fields(text.substr(open + 1, close - open - 1), 3);
    if (!fields || !(*fields)[0].empty() || !(*fields)[1].empty()) {
        return tl::make_unexpected(error_at("the 229 reply's port goes as (|||port|)", open + 1));
    }
    auto port = tcp_port((*fields)[2]);
    if (!port) return tl::make_unexpected(error_at("the 229 reply's port is 1-65535", open + 4));
    return *port;
}

std::string write_epsv_reply_text(std::uint16_t port) { return fmt::format("Entering Extended Passive Mode (|||{}|)", port); }

}  // namespace emu::wire
