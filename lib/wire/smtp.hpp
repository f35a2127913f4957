#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/text_line.hpp"

namespace emu::wire {

/// The limits an SMTP reader holds a peer to. RFC 5321 §4.5.3.1.4 sets 512 bytes for a
/// command line and lets extensions raise it (SIZE by 26, RFC 1870 §3); like Postfix
/// (line_length_limit) a reader takes up to 2048 so that a peer's extra parameters do not
/// cost it the mail. A reply line is 512 (§4.5.3.1.5), read up to 2048 likewise.
struct SmtpLimits {
    std::size_t line = 2048;       ///< a command or reply line, its CRLF included
    std::size_t reply_lines = 100;  ///< the lines of one reply (EHLO's list of extensions)
};

/// A command (RFC 5321 §4.1.1): its verb in capitals whatever the client sent, and the rest
/// after one space as it came ("FROM:<alice@a.example> SIZE=1200").
struct SmtpCommand {
    std::string verb;
    std::string argument;
    bool operator==(const SmtpCommand&) const = default;
};

/// Reads the command at the front of what a client sent. Lines end in CRLF only (§2.3.8);
/// an error for a bare LF or CR, a NUL, a verb that is not letters, or a line over the limit.
TextRead<SmtpCommand> read_smtp_command(Bytes buffer, const SmtpLimits& limits = {});
std::string write_smtp_command(const SmtpCommand& command);

/// A reply (RFC 5321 §4.2): the code and the text of each line ("250-SIZE 10240000" and
/// "250 HELP" are lines "SIZE 10240000" and "HELP" of one reply).
struct SmtpReply {
    int code = 0;
    std::vector<std::string> lines;
    bool operator==(const SmtpReply&) const = default;
};

/// Reads the reply at the front of what a server sent: every line must carry the same code,
/// followed by '-' on each but the last (§4.2.1; a last line may be the bare code).
TextRead<SmtpReply> read_smtp_reply(Bytes buffer, const SmtpLimits& limits = {});
/// A reply as a server writes it; no lines is one line of just the code.
std::string write_smtp_reply(const SmtpReply& reply);

/// A mailbox (RFC 5321 §4.1.2): local-part@domain. The local part as it is written (a
/// quoted string keeps its quotes); the domain a name or an address literal ("[10.0.2.25]").
struct SmtpMailbox {
    std::string local_part;
    std::string domain;
    /// "local@domain".
    std::string to_string() const;
    bool operator==(const SmtpMailbox&) const = default;
};

/// Parses "local@domain" (§4.1.2: Dot-string or Quoted-string @ Domain or address literal).
Parsed<SmtpMailbox> parse_smtp_mailbox(std::string_view text);

/// One ESMTP parameter after the path (§4.1.2: esmtp-keyword ["=" esmtp-value]).
struct SmtpParameter {
    std::string keyword;  ///< in capitals
    std::string value;    ///< "" when there is none
    bool operator==(const SmtpParameter&) const = default;
};

/// MAIL's and RCPT's argument: "FROM:<path> params" or "TO:<path> params".
struct SmtpPathArgument {
    std::optional<SmtpMailbox> mailbox;  ///< nullopt: the null path "<>" (bounces, MAIL only)
    std::vector<SmtpParameter> parameters;
    /// The value of a parameter, nullopt when it was not given.
    std::optional<std::string> parameter(std::string_view keyword) const;
    bool operator==(const SmtpPathArgument&) const = default;
};

/// MAIL's argument ("FROM:<alice@a.example> SIZE=1200 BODY=8BITMIME", the path possibly "<>").
/// A source route ("<@relay:bob@b.example>", §4.1.2 and C) is read and dropped, as §3.3
/// tells a server to. Spaces after the colon are taken, as most servers do.
Parsed<SmtpPathArgument> parse_mail_from(std::string_view argument);
/// RCPT's argument ("TO:<bob@b.example>"); "<Postmaster>" without a domain is a mailbox with
/// an empty domain (§4.5.1).
Parsed<SmtpPathArgument> parse_rcpt_to(std::string_view argument);

}  // namespace emu::wire
