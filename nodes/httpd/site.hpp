#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lib/util/unique_fd.hpp"

namespace emu::http {

/// A site's root directory, held open: every file of the site is opened beneath it.
class SiteRoot {
public:
    /// Throws std::invalid_argument when `root` is not a directory, or when the kernel has no
    /// openat2(2) (Linux 5.6 and later have it).
    explicit SiteRoot(const std::filesystem::path& root);

    const std::filesystem::path& path() const { return path_; }  ///< canonical
    int fd() const { return fd_.get(); }

private:
    std::filesystem::path path_;
    util::UniqueFd fd_;
};

/// Where a request target leads inside a site's root.
struct Resolved {
    enum class Kind {
        file,       ///< `file` is open on a regular file to send
        redirect,   ///< a directory asked for without its slash: `location` has it (301)
        not_found,  ///< 404
        forbidden,  ///< 403: outside the root, not a regular file, or not readable
        bad,        ///< 400: not a path (bad percent-encoding, a NUL, not starting with /)
    };
    Kind kind = Kind::not_found;
    std::filesystem::path path;  ///< the file as the target names it under the root (index.html added)
    std::string location;
    std::shared_ptr<const util::UniqueFd> file;  ///< shared with the open-file cache
    std::uint64_t size = 0;
    std::chrono::system_clock::time_point modified;  ///< whole seconds
};

/// Files served recently, kept open so that serving one again costs one stat of its path
/// instead of an open and a close (nginx's open_file_cache does the same, off by default).
/// An entry is used only while the path still leads to the very file (device and inode)
/// that was opened beneath the root; anything else goes the long way and replaces it.
/// Size and modification time come from that stat, so a file changed in place is served as
/// it now is. Bounded: when full, it starts over.
class OpenFileCache {
public:
    static constexpr std::size_t kCapacity = 256;

    /// The entry for `relative` (a path under the root) if the path still leads to its file.
    std::optional<Resolved> find(const SiteRoot& root, const std::string& relative);
    void remember(const std::string& relative, const Resolved& resolved, std::uint64_t device, std::uint64_t inode);

private:
    struct Entry {
        std::shared_ptr<const util::UniqueFd> file;
        std::filesystem::path path;
        std::uint64_t device = 0;
        std::uint64_t inode = 0;
    };
    std::unordered_map<std::string, Entry> entries_;
};

/// Opens the file a request target names under the root: the path part of the target
/// (RFC 9112 §3.2.1 origin-form; an absolute-form's path too), percent-decoded (RFC 3986
/// §2.1), its dot segments removed (§5.2.4) — a `..` that would climb above the root is
/// refused, and so is any file whose real path, links followed, is not under the root; a
/// directory serves its index.html. The kernel does the confining
/// (openat2 with RESOLVE_BENEATH), so a link swapped in between two checks cannot lead out.
/// With a cache, a file found there is used, and a file opened is remembered.
Resolved resolve_target(const SiteRoot& root, std::string_view target, OpenFileCache* cache = nullptr);

/// The media type for a file name's extension (RFC 9110 §8.3), text ones with charset=utf-8;
/// application/octet-stream for any other.
std::string content_type_for(const std::filesystem::path& path);

}  // namespace emu::http
