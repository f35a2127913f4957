#pragma once

#include <string>

namespace emu::host {

/// What `emu-host ftp` was asked.
struct FtpCommandOptions {
    std::string action;  ///< get, put or ls
    std::string url;     ///< ftp://[user[:password]@]host[:port]/path
    std::string file;    ///< put: the local file; get: where to write (stdout when empty)
    bool active = false;  ///< PORT instead of PASV
    bool verbose = false;  ///< the dialogue to stderr
    double timeout_seconds = 30;
};

/// `emu-host ftp get|put|ls`: one session with the server named in the URL (its name through
/// the node's resolv.conf). Exit status 0 when the transfer was whole (226), 1 when not, 2
/// for a bad URL or file.
int run_ftp(const FtpCommandOptions& options);

}  // namespace emu::host
