#pragma once

#include <string>
#include <string_view>

namespace emu::ftp {

/// TYPE A on the wire (RFC 959 §3.1.1.1): lines end in CRLF, whatever the file system's
/// convention. A file's LF goes out as CRLF (an LF that already follows a CR as it is, so a
/// file with CRLF ends does not gain a CR); text may arrive in any pieces.
class AsciiToNetwork {
public:
    /// Appends `piece`, converted, to `out`.
    void convert(std::string_view piece, std::string& out);
    /// What `piece` comes to on the wire, without converting it (SIZE in TYPE A, RFC 3659 §4).
    std::size_t converted_size(std::string_view piece);

private:
    bool after_cr_ = false;
};

/// The other way, for an upload in TYPE A: each CRLF becomes LF; a CR not followed by LF is
/// kept. A CR at the end of a piece waits for the next one to say which it is.
class AsciiFromNetwork {
public:
    void convert(std::string_view piece, std::string& out);
    /// At the end of the data: a CR still waiting is kept.
    void finish(std::string& out);

private:
    bool pending_cr_ = false;
};

}  // namespace emu::ftp
