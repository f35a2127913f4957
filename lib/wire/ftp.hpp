#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"
#include "lib/wire/text_line.hpp"

namespace emu::wire {

/// The limits an FTP reader holds a peer to. RFC 959 sets none; a command line is as long
/// as vsftpd takes (4096), a reply as many lines as a STAT listing needs.
struct FtpLimits {
    std::size_t line = 4096;         ///< one line, its end included
    std::size_t reply_lines = 10000;  ///< the lines of one multi-line reply
};

/// A command on the control connection (RFC 959 §4.1, §5.3): a verb of three or four
/// letters, in capitals here whatever the peer sent, and the argument after one space as
/// it came (a path may hold spaces). "" when there is none.
struct FtpCommand {
    std::string verb;
    std::string argument;
    bool operator==(const FtpCommand&) const = default;
};

/// Reads the command at the front of what a client sent. Telnet commands in the stream
/// (RFC 959 §4.1.3: a client sends IAC IP and IAC DM, the Synch, before ABOR) are taken out
/// and IAC IAC stands for one 0xFF byte; a bare LF ends a line too. An error for a verb
/// that is not three or four letters, for a NUL or a Telnet option negotiation in the line,
/// and for a line over the limit.
TextRead<FtpCommand> read_ftp_command(Bytes buffer, const FtpLimits& limits = {});

/// A command as a client writes it: "VERB argument\r\n" (no argument: "VERB\r\n"), a 0xFF
/// byte of the argument doubled as Telnet asks.
std::string write_ftp_command(const FtpCommand& command);

/// A reply (RFC 959 §4.2): its code and its lines. One line: "227 text". Several: the first
/// "211-text", the last "211 text", and those between as they came (RFC 959 lets them be
/// anything that does not look like the last; FEAT's start with a space, RFC 2389 §3.2).
struct FtpReply {
    int code = 0;
    std::vector<std::string> lines;  ///< the first and last without their code and separator

    /// Every line joined by "\n": what a client shows.
    std::string text() const;
    bool operator==(const FtpReply&) const = default;
};

/// Reads the reply at the front of what a server sent: an error for a first line that does
/// not start with a code and ' ' or '-', and for a reply over the limits.
TextRead<FtpReply> read_ftp_reply(Bytes buffer, const FtpLimits& limits = {});

/// A reply as a server writes it. A line between the first and the last that would read as
/// the last (the same code and a space) is written with a space before it, as RFC 959 §4.2
/// asks of a server.
std::string write_ftp_reply(const FtpReply& reply);

/// Where a data connection goes: an address and a TCP port.
struct FtpEndpoint {
    IpAddress address;
    std::uint16_t port = 0;
    bool operator==(const FtpEndpoint&) const = default;
};

/// PORT's argument and the numbers of PASV's 227 reply (RFC 959 §4.1.2): "h1,h2,h3,h4,p1,p2",
/// each a decimal 0–255, the port p1 × 256 + p2.
Parsed<FtpEndpoint> parse_ftp_host_port(std::string_view text);
std::string write_ftp_host_port(const FtpEndpoint& endpoint);  ///< IPv4 only

/// The endpoint in a 227 reply's text. Servers word it differently, so this takes the first
/// run of six comma-separated numbers, as RFC 1123 §4.1.2.6 tells a client to.
Parsed<FtpEndpoint> parse_pasv_reply(std::string_view text);

/// EPRT's argument (RFC 2428 §2): "|1|132.235.1.2|6275|" or "|2|1080::8:800:200c:417a|5282|",
/// the delimiter any printable ASCII character but space; the family must match the address.
Parsed<FtpEndpoint> parse_eprt(std::string_view text);
std::string write_eprt(const FtpEndpoint& endpoint);

/// The port in an EPSV 229 reply (RFC 2428 §3): "Entering Extended Passive Mode (|||6446|)",
/// the address left out: the client connects to the server's control address.
Parsed<std::uint16_t> parse_epsv_reply(std::string_view text);
/// "Entering Extended Passive Mode (|||PORT|)".
std::string write_epsv_reply_text(std::uint16_t port);

}  // namespace emu::wire
