#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace emu::host {

/// An ftp:// URL's parts (RFC 1738 §3.2): "ftp://[user[:password]@]host[:port]/path", the
/// user, password and path percent-decoded. No user: the anonymous login (RFC 1635).
struct FtpUrl {
    std::string user = "anonymous";
    std::string password = "emu-host@";  ///< an anonymous user's password is, by custom, an address
    std::string host;
    std::uint16_t port = 21;
    std::string path = "/";  ///< absolute, from the server's top directory
    bool names_directory() const { return path.ends_with('/'); }
};

/// Reads an ftp:// URL; a message says what is wrong otherwise (a NUL, CR or LF anywhere
/// is refused: it would end an FTP command line).
tl::expected<FtpUrl, std::string> parse_ftp_url(std::string_view text);

}  // namespace emu::host
