#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lib/wire/buffer.hpp"

namespace emu::wire {

/// How a line-oriented protocol ends its lines. FTP's control connection is Telnet (RFC 959
/// §4.1), whose peers also send a bare LF; SMTP takes only CRLF (RFC 5321 §2.3.8: a bare LF
/// or CR is not a line end, which is what keeps a message from being smuggled past its end).
enum class LineEnd { crlf, crlf_or_lf };

/// The next line of a stream buffer, read from `at`.
struct TextLine {
    enum class State { incomplete, complete, too_long, bad_ending };
    State state = State::incomplete;
    std::string_view text;  ///< for `complete`: the line without its end
    std::size_t next = 0;   ///< for `complete`: where the line after it starts
};

/// Reads the line that starts at `at`. A line longer than `maximum` bytes with a CRLF end
/// (however it ends here) is `too_long`, also before its end has arrived, so a peer cannot make the reader buffer
/// without bound. With LineEnd::crlf, an LF without a CR before it is `bad_ending`, and so is
/// a CR anywhere but before the LF with either ending.
TextLine next_text_line(std::string_view buffer, std::size_t at, std::size_t maximum, LineEnd ending);

/// Why a line that next_text_line found too long or badly ended is refused, for an error.
std::string line_error(const TextLine& line, std::size_t maximum, LineEnd ending);

/// A stream buffer's bytes as text, without copying.
inline std::string_view as_text(Bytes bytes) { return {reinterpret_cast<const char*>(bytes.data()), bytes.size()}; }

/// The outcome of reading one message from the front of a stream buffer.
template <typename Message>
struct TextRead {
    enum class State { incomplete, complete, error };
    State state = State::incomplete;
    Message message;
    std::size_t size = 0;  ///< for `complete`: the bytes the message took
    std::string error;     ///< for `error`: why, for a log and for the reply that refuses it

    static TextRead failed(std::string why) {
        TextRead result;
        result.state = State::error;
        result.error = std::move(why);
        return result;
    }
    static TextRead done(Message message, std::size_t size) {
        TextRead result;
        result.state = State::complete;
        result.message = std::move(message);
        result.size = size;
        return result;
    }
    bool complete() const { return state == State::complete; }
};

/// A three-digit reply code as FTP and SMTP write it (RFC 959 §4.2, RFC 5321 §4.2): the
/// first digit 1–5; -1 when `text` does not start with one.
int reply_code(std::string_view text);

/// A command line as SMTP and POP3 write it: "VERB argument\r\n", or "VERB\r\n" without one.
std::string command_line(std::string_view verb, std::string_view argument);

/// `text` in capitals (ASCII only): command verbs are case-blind in FTP, SMTP and POP3.
std::string upper_ascii(std::string_view text);
/// `text` in small letters (ASCII only): domain names, and mailbox names as emu keeps them.
std::string lower_ascii(std::string_view text);

}  // namespace emu::wire
