#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <tl/expected.hpp>

#include "lib/util/unique_fd.hpp"

namespace emu::ftp {

/// A user's files: one directory that no path given by a client can lead out of. Paths are
/// virtual ("/notes/a.txt", "/" being the directory); each is normalised (".", "..", repeated
/// slashes) without ever climbing above "/", and then opened by the kernel under the
/// directory with openat2's RESOLVE_BENEATH, which refuses any ".." or symlink — absolute or
/// relative — that would leave it, however it is reached (a client's own upload included).
class FileRoot {
public:
    /// One entry of a directory, for LIST and NLST.
    struct Entry {
        std::string name;
        struct stat status {};
    };

    /// Opens `directory` as the root; an error when it is not a directory.
    static tl::expected<FileRoot, std::error_code> open(const std::filesystem::path& directory);

    /// The virtual path `argument` names, seen from the virtual directory `cwd`: an absolute
    /// argument from "/", a relative one from `cwd`. nullopt when it climbs above "/" (a
    /// traversal attempt, for the caller to refuse and log) or holds a NUL.
    static std::optional<std::string> resolve(std::string_view cwd, std::string_view argument);

    /// Opens a file or directory (open(2) flags; O_NOFOLLOW is implied for the last part
    /// when creating). EXDEV when the path would leave the root through a symlink.
    tl::expected<util::UniqueFd, std::error_code> open_at(const std::string& path, int flags, mode_t mode = 0644) const;
    tl::expected<struct stat, std::error_code> status(const std::string& path) const;
    tl::expected<std::vector<Entry>, std::error_code> list(const std::string& path) const;
    std::error_code make_directory(const std::string& path) const;
    std::error_code remove_directory(const std::string& path) const;
    std::error_code remove_file(const std::string& path) const;
    std::error_code rename(const std::string& from, const std::string& to) const;

    /// Stores an upload so that `path` never names a partial file: the bytes go to an
    /// unnamed file in the same directory (O_TMPFILE), and `commit` makes it durable (fsync)
    /// and puts it in place under `path` (a link under a hidden name, then rename, then
    /// fsync of the directory). A crash before `commit` leaves nothing behind.
    class Upload {
    public:
        int fd() const { return file_.get(); }
        /// Durable and in place, or an error with `path` as it was.
        std::error_code commit();

    private:
        friend class FileRoot;
        util::UniqueFd directory_;
        util::UniqueFd file_;
        std::string name_;
    };
    /// An upload to `path`, starting with the first `keep` bytes of the file already there
    /// (REST before STOR, and APPE, which keeps all of it: `keep` = its size).
    tl::expected<Upload, std::error_code> begin_upload(const std::string& path, std::uint64_t keep = 0) const;

private:
    explicit FileRoot(util::UniqueFd directory) : directory_(std::move(directory)) {}
    /// The directory that holds `path`, opened beneath the root, and the last part's name.
    tl::expected<std::pair<util::UniqueFd, std::string>, std::error_code> parent_of(const std::string& path) const;

    util::UniqueFd directory_;
};

}  // namespace emu::ftp
