#include "lib/wire/pop3.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lib/wire/dot_stuffing.hpp"

namespace emu::wire {
std::vector<std::string> Pop3Command::arguments() const {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < argument.size()) {
        auto end = std::min(argument.find(' ', at), argument.size());
        out.push_back(argument.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

TextRead<Pop3Command> read_pop3_command(Bytes buffer, const Pop3Limits& limits) {
    using Result = TextRead<Pop3Command>;
    auto line = next_text_line(as_text(buffer), 0, limits.command_line, LineEnd::crlf_or_lf);
    if (line.state == TextLine::State::incomplete) return Result{};
    if (line.state != TextLine::State::complete) return Result::failed(line_error(line, limits.command_line, LineEnd::crlf_or_lf));
    if (line.text.find('\0') != std::string_view::npos) return Result::failed("a NUL in a command line");
    auto space = line.text.find(' ');
    auto verb = line.text.substr(0, space);
    // RFC 2449 §3: keywords are 3 or 4 printable ASCII characters.
    if (verb.size() < 3 || verb.size() > 4 || !std::all_of(verb.begin(), verb.end(), [](char c) { return c > 32 && c < 127; })) {
        return Result::failed("a command starts with a keyword of three or four characters");
    }
    Pop3Command command{upper_ascii(verb), space == std::string_view::npos ? std::string() : std::string(line.text.substr(space + 1))};
    return Result::done(std::move(command), line.next);
}

std::string write_pop3_command(const Pop3Command& command) {
    return command_line(command.verb, command.argument);
}

TextRead<Pop3Response> read_pop3_response(Bytes buffer, bool multi_line, const Pop3Limits& limits) {
    using Result = TextRead<Pop3Response>;
    auto line = next_text_line(as_text(buffer), 0, limits.status_line, LineEnd::crlf_or_lf);
    if (line.state == TextLine::State::incomplete) return Result{};
    if (line.state != TextLine::State::complete) return Result::failed(line_error(line, limits.status_line, LineEnd::crlf_or_lf));
    Pop3Response response;
    auto status = line.text.substr(0, line.text.find(' '));
    if (status == "+OK") {
        response.status = Pop3Status::ok;
    } else if (status == "-ERR") {
        response.status = Pop3Status::error;
    } else if (status == "+" && line.text.size() > 1) {
        response.status = Pop3Status::continuation;  // "+ " and the challenge, maybe empty
    } else {
        return Result::failed("a response starts with +OK, -ERR or a challenge's \"+ \"");
    }
    if (line.text.size() > status.size()) response.text = std::string(line.text.substr(status.size() + 1));
    if (!multi_line || response.status != Pop3Status::ok) return Result::done(std::move(response), line.next);
    DotStuffedReader reader(limits.body);
    std::string body;
    auto used = reader.feed(buffer.subspan(line.next), body);
    if (reader.too_large()) return Result::failed(fmt::format("content over {} bytes", limits.body));
    if (!reader.done()) return Result{};
    response.body = std::move(body);
    return Result::done(std::move(response), line.next + used);
}

std::string write_pop3_response(const Pop3Response& response) {
    std::string out = response.status == Pop3Status::ok ? "+OK" : response.status == Pop3Status::error ? "-ERR" : "+";
    if (!response.text.empty() || response.status == Pop3Status::continuation) out += " " + response.text;
    out += "\r\n";
    if (response.body) out += dot_stuffed(*response.body);
    return out;
}

bool pop3_answer_is_multi_line(const Pop3Command& command) {
    if (command.verb == "RETR" || command.verb == "TOP" || command.verb == "CAPA") return true;
    // LIST and UIDL list every message without an argument and one with it (RFC 1939 §5, §7).
    if (command.verb == "LIST" || command.verb == "UIDL") return command.argument.empty();
    return false;
}

}  // namespace emu::wire
