#pragma once

#include <ctime>
#include <string>

#include "nodes/ftpd/file_root.hpp"

namespace emu::ftp {

/// One line of a LIST answer, as `ls -l` writes it, which is what clients parse (RFC 959
/// leaves the format to the server): "-rw-r--r--    1 ftp      ftp          1092 Nov 26 10:00
/// notes.txt", the date with the time when it lies within six months of `now`, else with
/// the year. Times are UTC; owners are shown as "ftp", as they mean nothing to a client.
std::string list_line(const FileRoot::Entry& entry, std::time_t now);

/// A file's modification time as MDTM answers it (RFC 3659 §2.3): "YYYYMMDDHHMMSS", UTC.
std::string modification_time(const struct stat& status);

}  // namespace emu::ftp
