#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/text_line.hpp"

namespace emu::wire {

/// The limits a POP3 reader holds a peer to (RFC 2449 §4: a command line is at most 255
/// bytes and a response's first line 512, CRLF included).
struct Pop3Limits {
    std::size_t command_line = 255;
    std::size_t status_line = 512;
    std::size_t body = 64 << 20;  ///< a multi-line response's content (a whole message for RETR)
};

/// A command (RFC 1939 §3): a keyword of three or four characters, in capitals here
/// whatever the client sent, and what follows one space as it came. PASS takes all of it
/// as the password, spaces included (§7); the others split it at spaces (arguments()).
struct Pop3Command {
    std::string verb;
    std::string argument;
    /// The arguments, split at single spaces ("" gives none).
    std::vector<std::string> arguments() const;
    bool operator==(const Pop3Command&) const = default;
};

/// Reads the command at the front of what a client sent. Lines end in CRLF (a bare LF is
/// taken too: RFC 1939 does not forbid it and some clients send it); an error for a keyword
/// that is not 3–4 printable characters, a NUL, a CR alone, or a line over the limit.
TextRead<Pop3Command> read_pop3_command(Bytes buffer, const Pop3Limits& limits = {});
std::string write_pop3_command(const Pop3Command& command);

/// How a response starts: "+OK", "-ERR" (RFC 1939 §3), or "+ " for a SASL challenge during
/// AUTH (RFC 5034 §4), which the client answers with a line of base64.
enum class Pop3Status { ok, error, continuation };

/// A response: its status and the rest of its first line; a multi-line one's content
/// follows, dot-stuffed, to a lone period.
struct Pop3Response {
    Pop3Status status = Pop3Status::ok;
    std::string text;
    std::optional<std::string> body;  ///< for a multi-line response: the content, unstuffed
    bool operator==(const Pop3Response&) const = default;
};

/// Reads the response at the front of what a server sent. `multi_line` says whether the
/// command it answers has content (LIST and UIDL without an argument, RETR, TOP, CAPA): a
/// "+OK" to one is followed by it, an "-ERR" or a challenge never is (§3).
TextRead<Pop3Response> read_pop3_response(Bytes buffer, bool multi_line, const Pop3Limits& limits = {});
/// A response as a server writes it, the body dot-stuffed when there is one.
std::string write_pop3_response(const Pop3Response& response);

/// True when a "+OK" to this command is followed by content (RFC 1939 §5–7, RFC 2449 §5).
bool pop3_answer_is_multi_line(const Pop3Command& command);

}  // namespace emu::wire
