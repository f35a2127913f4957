#include "lib/wire/smtp.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "lib/wire/ip_address.hpp"

namespace emu::wire {
namespace {

// RFC 5321 §4.5.3.1.1–2: the longest local part and domain.
constexpr std::size_t kMaxLocalPart = 64;
constexpr std::size_t kMaxDomain = 255;

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// RFC 5322 §3.2.3 atext, which RFC 5321 §4.1.2 takes for a Dot-string's atoms.
bool is_atext(char c) { return is_alnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos; }

WireError error_at(std::string what, std::size_t offset) { return WireError{std::move(what), offset}; }

bool is_dot_string(std::string_view text) {
    if (text.empty() || text.front() == '.' || text.back() == '.' || text.find("..") != std::string_view::npos) return false;
    return std::all_of(text.begin(), text.end(), [](char c) { return c == '.' || is_atext(c); });
}

// RFC 5321 §4.1.2 Quoted-string: qtextSMTP (32–126 but '"' and '\') or a backslash and 32–126.
bool is_quoted_string(std::string_view text) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') return false;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        char c = text[i];
        if (c == '\\') {
            ++i;
            if (i + 1 >= text.size() || text[i] < 32 || text[i] > 126) return false;
        } else if (c < 32 || c > 126 || c == '"') {
            return false;
        }
    }
    return true;
}

// RFC 5321 §4.1.2: sub-domain = Let-dig [Ldh-str], dot-separated.
bool is_domain_name(std::string_view text) {
    if (text.empty()) return false;
    std::size_t at = 0;
    while (true) {
        auto end = text.find('.', at);
        auto label = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back()) ||
            !std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) {
            return false;
        }
        if (end == std::string_view::npos) return true;
        at = end + 1;
    }
}

// RFC 5321 §4.1.3: "[10.0.2.25]" or "[IPv6:2001:db8::1]".
bool is_address_literal(std::string_view text) {
    if (text.size() < 3 || text.front() != '[' || text.back() != ']') return false;
    auto inside = text.substr(1, text.size() - 2);
    if (inside.size() > 5 && upper_ascii(inside.substr(0, 5)) == "IPV6:") return Ipv6Address::parse(inside.substr(5)).has_value();
    return Ipv4Address::parse(inside).has_value();
}

// Where the '>' that closes the path starting at `text[0] == '<'` is, quoted local parts
// skipped; npos when there is none.
std::size_t path_end(std::string_view text) {
    bool quoted = false;
    for (std::size_t i = 1; i < text.size(); ++i) {
        char c = text[i];
        if (quoted && c == '\\') {
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && c == '>') {
            return i;
        }
    }
    return std::string_view::npos;
}

// RFC 5321 §4.1.2: Mail-parameters = esmtp-param *(SP esmtp-param).
Parsed<std::vector<SmtpParameter>> parse_parameters(std::string_view text, std::size_t offset) {
    std::vector<SmtpParameter> parameters;
    std::size_t at = 0;
    while (at < text.size()) {
        if (text[at] == ' ') {
            ++at;
            continue;
        }
        auto end = std::min(text.find(' ', at), text.size());
        auto parameter = text.substr(at, end - at);
        auto equals = parameter.find('=');
        auto keyword = parameter.substr(0, equals);
        if (keyword.empty() || !is_alnum(keyword.front()) ||
            !std::all_of(keyword.begin(), keyword.end(), [](char c) { return is_alnum(c) || c == '-'; })) {
            return tl::make_unexpected(error_at("a parameter's keyword is letters, digits and hyphens", offset + at));
        }
        std::string value;
        if (equals != std::string_view::npos) {
            auto raw = parameter.substr(equals + 1);
            // esmtp-value = 1*(%d33-60 / %d62-126): no '=', no space, no control.
            if (raw.empty() || !std::all_of(raw.begin(), raw.end(), [](char c) { return c >= 33 && c <= 126 && c != '='; })) {
                return tl::make_unexpected(error_at("a parameter's value is printable, without '='", offset + at + equals + 1));
            }
            value = std::string(raw);
        }
        parameters.push_back({upper_ascii(keyword), std::move(value)});
        at = end;
    }
    return parameters;
}

// "FROM:<path> params" after `prefix`; the path may be null when `null_allowed`.
Parsed<SmtpPathArgument> parse_path_argument(std::string_view argument, std::string_view prefix, bool null_allowed,
                                             bool postmaster_allowed) {
    if (argument.size() < prefix.size() || upper_ascii(argument.substr(0, prefix.size())) != prefix) {
        return tl::make_unexpected(error_at(fmt::format("the argument starts with {}", prefix), 0));
    }
    auto at = prefix.size();
    while (at < argument.size() && argument[at] == ' ') ++at;
    auto rest = argument.substr(at);
    if (rest.empty() || rest.front() != '<') return tl::make_unexpected(error_at("the path goes in <>", at));
    auto close = path_end(rest);
    if (close == std::string_view::npos) return tl::make_unexpected(error_at("the path has no closing >", at));
    auto path = rest.substr(1, close - 1);
    auto after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ' ') return tl::make_unexpected(error_at("a space after the path", at + close + 1));
    SmtpPathArgument result;
    if (path.empty()) {
        if (!null_allowed) return tl::make_unexpected(error_at("the null path <> is for MAIL only", at));
    } else if (postmaster_allowed && upper_ascii(path) == "POSTMASTER") {
        result.mailbox = SmtpMailbox{std::string(path), ""};
    } else {
        if (path.front() == '@') {
            // A source route: RFC 5321 §3.3 says to accept it and go to the mailbox directly.
            auto colon = path.find(':');
            if (colon == std::string_view::npos) return tl::make_unexpected(error_at("a source route ends in ':'", at + 1));
            path.remove_prefix(colon + 1);
        }
        auto mailbox = parse_smtp_mailbox(path);
        if (!mailbox) return tl::make_unexpected(error_at(mailbox.error().what, at + 1 + mailbox.error().offset));
        result.mailbox = std::move(*mailbox);
    }
    auto parameters = parse_parameters(after, at + close + 1);
    if (!parameters) return tl::make_unexpected(parameters.error());
    result.parameters = std::move(*parameters);
    return result;
}

}  // namespace

TextRead<SmtpCommand> read_smtp_command(Bytes buffer, const SmtpLimits& limits) {
    using Result = TextRead<SmtpCommand>;
    auto line = next_text_line(as_text(buffer), 0, limits.line, LineEnd::crlf);
    if (line.state == TextLine::State::incomplete) return Result{};
    if (line.state != TextLine::State::complete) return Result::failed(line_error(line, limits.line, LineEnd::crlf));
    if (line.text.find('\0') != std::string_view::npos) return Result::failed("a NUL in a command line");
    auto space = line.text.find(' ');
    auto verb = line.text.substr(0, space);
    if (verb.empty() || !std::all_of(verb.begin(), verb.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; })) {
        return Result::failed("a command starts with a verb of letters");
    }
    SmtpCommand command{upper_ascii(verb), space == std::string_view::npos ? std::string() : std::string(line.text.substr(space + 1))};
    return Result::done(std::move(command), line.next);
}

std::string write_smtp_command(const SmtpCommand& command) {
    return command_line(command.verb, command.argument);
}

TextRead<SmtpReply> read_smtp_reply(Bytes buffer, const SmtpLimits& limits) {
    using Result = TextRead<SmtpReply>;
    auto text = as_text(buffer);
    SmtpReply reply;
    std::size_t at = 0;
    while (true) {
        auto line = next_text_line(text, at, limits.line, LineEnd::crlf);
        if (line.state == TextLine::State::incomplete) return Result{};
        if (line.state != TextLine::State::complete) return Result::failed(line_error(line, limits.line, LineEnd::crlf));
        auto code = reply_code(line.text);
        if (code < 0 || (line.text.size() > 3 && line.text[3] != ' ' && line.text[3] != '-')) {
            return Result::failed("a reply line starts with a three-digit code and a space or a hyphen");
        }
        if (reply.lines.empty()) {
            reply.code = code;
        } else if (code != reply.code) {
            return Result::failed(fmt::format("a reply's lines all carry its code {}, not {}", reply.code, code));
        }
        if (reply.lines.size() == limits.reply_lines) {
            return Result::failed(fmt::format("a reply of more than {} lines", limits.reply_lines));
        }
        reply.lines.emplace_back(line.text.size() > 3 ? line.text.substr(4) : std::string_view());
        at = line.next;
        if (line.text.size() == 3 || line.text[3] == ' ') return Result::done(std::move(reply), at);
    }
}

std::string write_smtp_reply(const SmtpReply& reply) {
    auto code = fmt::format("{:03}", reply.code);
    if (reply.lines.empty()) return code + "\r\n";
    std::string out;
    for (std::size_t i = 0; i < reply.lines.size(); ++i) {
        out += code + (i + 1 < reply.lines.size() ? "-" : " ") + reply.lines[i] + "\r\n";
    }
    return out;
}

std::string SmtpMailbox::to_string() const { return domain.empty() ? local_part : local_part + "@" + domain; }

Parsed<SmtpMailbox> parse_smtp_mailbox(std::string_view text) {
    auto at = text.rfind('@');
    if (at == std::string_view::npos) return tl::make_unexpected(error_at("a mailbox is local-part@domain", 0));
    auto local = text.substr(0, at);
    auto domain = text.substr(at + 1);
    if (local.size() > kMaxLocalPart) return tl::make_unexpected(error_at("a local part of more than 64 bytes", 0));
    if (!is_dot_string(local) && !is_quoted_string(local)) {
        return tl::make_unexpected(error_at("a local part is atoms joined by dots, or a quoted string", 0));
    }
    if (domain.size() > kMaxDomain) return tl::make_unexpected(error_at("a domain of more than 255 bytes", at + 1));
    if (!is_domain_name(domain) && !is_address_literal(domain)) {
        return tl::make_unexpected(error_at("a domain is a name or an address literal in []", at + 1));
    }
    return SmtpMailbox{std::string(local), std::string(domain)};
}

std::optional<std::string> SmtpPathArgument::parameter(std::string_view keyword) const {
    auto wanted = upper_ascii(keyword);
    for (const auto& parameter : parameters) {
        if (parameter.keyword == wanted) return parameter.value;
    }
    return std::nullopt;
}

Parsed<SmtpPathArgument> parse_mail_from(std::string_view argument) {
    return parse_path_argument(argument, "FROM:", true, false);
}

Parsed<SmtpPathArgument> parse_rcpt_to(std::string_view argument) { return parse_path_argument(argument, "TO:", false, true); }

}  // namespace emu::wire
