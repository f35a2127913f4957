#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/wire/buffer.hpp"

namespace emu::wire {

/// Reads a dot-stuffed block as it arrives: SMTP's DATA (RFC 5321 §4.5.2) and POP3's
/// multi-line responses (RFC 1939 §3). A line that starts with a period has it taken off; the
/// block ends at a line that is a lone period. Lines end only in CRLF: a bare LF or CR is
/// content, so ".\n" ends nothing — which is what stops a second message from being
/// smuggled behind a first one's false end (the SMTP smuggling of 2023).
class DotStuffedReader {
public:
    /// Keeps up to `maximum` bytes of content; more is read to the end and dropped.
    explicit DotStuffedReader(std::size_t maximum) : maximum_(maximum) {}

    /// Takes bytes from the front of `input` up to the end of the block, appending content to
    /// `content`; returns how many it used (all of them until done()).
    std::size_t feed(Bytes input, std::string& content);
    /// The lone period's line has been read.
    bool done() const { return state_ == State::done; }
    /// Content went past the maximum (what was kept is its start).
    bool too_large() const { return size_ > maximum_; }
    /// All the content bytes, kept or not.
    std::uint64_t size() const { return size_; }

private:
    enum class State { line_start, in_line, after_cr, after_dot, after_dot_cr, done };
    void keep(char c, std::string& content);

    std::size_t maximum_;
    std::uint64_t size_ = 0;
    State state_ = State::line_start;
};

/// `content` as a dot-stuffed block: a period doubled at the start of each line, a CRLF
/// added when it does not end in one, then the lone period's line. The reader gives back
/// exactly `content` when it ends in CRLF (or is empty).
std::string dot_stuffed(std::string_view content);

/// `content` with every line end a CRLF: a bare LF or a bare CR becomes CRLF. RFC 5321
/// §2.3.8 forbids sending them: a server that took a bare LF as a line end would read a
/// message's "\n.\r\n" as its end and the rest as commands (the SMTP smuggling of 2023),
/// so a client relaying content that holds them sends them so.
std::string with_crlf_line_ends(std::string_view content);

}  // namespace emu::wire
