#include "nodes/ftpd/listing.hpp"

#include <array>

#include <fmt/format.h>

namespace emu::ftp {
namespace {

constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

char type_letter(mode_t mode) {
    if (S_ISDIR(mode)) return 'd';
    if (S_ISLNK(mode)) return 'l';
    if (S_ISCHR(mode)) return 'c';
    if (S_ISBLK(mode)) return 'b';
    if (S_ISFIFO(mode)) return 'p';
    if (S_ISSOCK(mode)) return 's';
    return '-';
}

std::string permissions(mode_t mode) {
    std::string text(10, '-');
    text[0] = type_letter(mode);
    constexpr std::array<mode_t, 9> kBits{S_IRUSR, S_IWUSR, S_IXUSR, S_IRGRP, S_IWGRP, S_IXGRP, S_IROTH, S_IWOTH, S_IXOTH};
    constexpr const char* kLetters = "rwxrwxrwx";
    for (std::size_t i = 0; i < kBits.size(); ++i) {
        if ((mode & kBits[i]) != 0) text[i + 1] = kLetters[i];
    }
    // setuid, setgid and sticky show in the execute columns, as ls shows them.
    if ((mode & S_ISUID) != 0) text[3] = (mode & S_IXUSR) != 0 ? 's' : 'S';
    if ((mode & S_ISGID) != 0) text[6] = (mode & S_IXGRP) != 0 ? 's' : 'S';
    if ((mode & S_ISVTX) != 0) text[9] = (mode & S_IXOTH) != 0 ? 't' : 'T';
    return text;
}

}  // namespace

std::string list_line(const FileRoot::Entry& entry, std::time_t now) {
    const auto& status = entry.status;
    std::tm when{};
    ::gmtime_r(&status.st_mtime, &when);
    // ls's rule: the time of day for the last six months (and a little of the future, for a
    // clock slightly behind), the year for anything else.
    constexpr std::time_t kSixMonths = 182 * 24 * 3600;
    bool recent = status.st_mtime > now - kSixMonths && status.st_mtime <= now + 3600;
    auto date = recent ? fmt::format("{} {:>2} {:02}:{:02}", kMonths[static_cast<std::size_t>(when.tm_mon)], when.tm_mday,
                                     when.tm_hour, when.tm_min)
                       : fmt::format("{} {:>2} {:>5}", kMonths[static_cast<std::size_t>(when.tm_mon)], when.tm_mday,
                                     when.tm_year + 1900);
    return fmt::format("{} {:>4} {:<8} {:<8} {:>12} {} {}", permissions(status.st_mode), status.st_nlink, "ftp", "ftp",
                       status.st_size, date, entry.name);
}

std::string modification_time(const struct stat& status) {
    std::tm when{};
    ::gmtime_r(&status.st_mtime, &when);
    return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}", when.tm_year + 1900, when.tm_mon + 1, when.tm_mday, when.tm_hour,
                       when.tm_min, when.tm_sec);
}

}  // namespace emu::ftp
