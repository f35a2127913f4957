#include "nodes/ftpd/file_root.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

namespace emu::ftp {
namespace {

std::error_code last_error() { return {errno, std::generic_category()}; }

// The kernel, not our string handling, keeps every lookup under the root: RESOLVE_BENEATH
// refuses absolute paths, ".." above the start and symlinks leading out (EXDEV);
// RESOLVE_NO_MAGICLINKS refuses /proc-style links.
int open_beneath(int directory, const std::string& relative, int flags, mode_t mode) {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
    // A mode only with O_CREAT or O_TMPFILE (whose bits include O_DIRECTORY's), else EINVAL.
    bool creates = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
    how.mode = creates ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return static_cast<int>(::syscall(SYS_openat2, directory, relative.c_str(), &how, sizeof how));
}

// "/a/b" as the kernel takes it under the root: "a/b"; "/" is ".".
std::string relative(const std::string& path) { return path.size() <= 1 ? "." : path.substr(1); }

}  // namespace

tl::expected<FileRoot, std::error_code> FileRoot::open(const std::filesystem::path& directory) {
    util::UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return tl::make_unexpected(last_error());
    return FileRoot(std::move(fd));
}

std::optional<std::string> FileRoot::resolve(std::string_view cwd, std::string_view argument) {
    if (argument.find('\0') != std::string_view::npos) return std::nullopt;
    std::vector<std::string_view> parts;
    auto take = [&](std::string_view text) {
        std::size_t at = 0;
        while (at <= text.size()) {
            auto end = std::min(text.find('/', at), text.size());
            auto part = text.substr(at, end - at);
            at = end + 1;
            if (part.empty() || part == ".") continue;
            if (part == "..") {
                if (parts.empty()) return false;
                parts.pop_back();
            } else {
                parts.push_back(part);
            }
        }
        return true;
    };
    if (argument.empty() || argument.front() != '/') {
        if (!take(cwd)) return std::nullopt;
    }
    if (!take(argument)) return std::nullopt;
    std::string path;
    for (auto part : parts) {
        path += '/';
        path += part;
    }
    return path.empty() ? "/" : path;
}

tl::expected<util::UniqueFd, std::error_code> FileRoot::open_at(const std::string& path, int flags, mode_t mode) const {
    if ((flags & O_CREAT) != 0) flags |= O_NOFOLLOW;  // never create through a symlink
    util::UniqueFd fd(open_beneath(directory_.get(), relative(path), flags, mode));
    if (!fd) return tl::make_unexpected(last_error());
    return fd;
}

tl::expected<struct stat, std::error_code> FileRoot::status(const std::string& path) const {
    auto fd = open_at(path, O_PATH);
    if (!fd) return tl::make_unexpected(fd.error());
    struct stat result {};
    if (::fstat(fd->get(), &result) != 0) return tl::make_unexpected(last_error());
    return result;
}

tl::expected<std::vector<FileRoot::Entry>, std::error_code> FileRoot::list(const std::string& path) const {
    auto fd = open_at(path, O_RDONLY | O_DIRECTORY);
    if (!fd) return tl::make_unexpected(fd.error());
    // fdopendir takes the descriptor over; statting goes through another.
    util::UniqueFd for_stat(::dup(fd->get()));
    DIR* directory = ::fdopendir(fd->release());
    if (directory == nullptr || !for_stat) {
        auto error = last_error();
        if (directory != nullptr) ::closedir(directory);
        return tl::make_unexpected(error);
    }
    std::vector<Entry> entries;
    while (auto* entry = ::readdir(directory)) {
        std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        Entry item{name, {}};
        // The entry itself, not what a symlink points to: a listing shows the link.
        if (::fstatat(for_stat.get(), entry->d_name, &item.status, AT_SYMLINK_NOFOLLOW) != 0) continue;
        entries.push_back(std::move(item));
    }
    ::closedir(directory);
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
    return entries;
}

tl::expected<std::pair<util::UniqueFd, std::string>, std::error_code> FileRoot::parent_of(const std::string& path) const {
    auto slash = path.rfind('/');
    if (path.size() <= 1 || slash == std::string::npos) return tl::make_unexpected(std::make_error_code(std::errc::invalid_argument));
    auto parent = slash == 0 ? std::string("/") : path.substr(0, slash);
    auto fd = open_at(parent, O_RDONLY | O_DIRECTORY);
    if (!fd) return tl::make_unexpected(fd.error());
    return std::pair{std::move(*fd), path.substr(slash + 1)};
}

std::error_code FileRoot::make_directory(const std::string& path) const {
    auto parent = parent_of(path);
    if (!parent) return parent.error();
    return ::mkdirat(parent->first.get(), parent->second.c_str(), 0755) == 0 ? std::error_code() : last_error();
}

std::error_code FileRoot::remove_directory(const std::string& path) const {
    auto parent = parent_of(path);
    if (!parent) return parent.error();
    return ::unlinkat(parent->first.get(), parent->second.c_str(), AT_REMOVEDIR) == 0 ? std::error_code() : last_error();
}

std::error_code FileRoot::remove_file(const std::string& path) const {
    auto parent = parent_of(path);
    if (!parent) return parent.error();
    return ::unlinkat(parent->first.get(), parent->second.c_str(), 0) == 0 ? std::error_code() : last_error();
}

std::error_code FileRoot::rename(const std::string& from, const std::string& to) const {
    auto source = parent_of(from);
    if (!source) return source.error();
    auto target = parent_of(to);
    if (!target) return target.error();
    return ::renameat(source->first.get(), source->second.c_str(), target->first.get(), target->second.c_str()) == 0
               ? std::error_code()
               : last_error();
}

tl::expected<FileRoot::Upload, std::error_code> FileRoot::begin_upload(const std::string& path, std::uint64_t keep) const {
    auto parent = parent_of(path);
    if (!parent) return tl::make_unexpected(parent.error());
    Upload upload;
    upload.directory_ = std::move(parent->first);
    upload.name_ = std::move(parent->second);
    upload.file_.reset(::openat(upload.directory_.get(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644));
    if (!upload.file_) return tl::make_unexpected(last_error());
    if (keep > 0) {
        // REST or APPE: the new file starts as a copy of the old one's first `keep` bytes.
        auto old = open_at(path, O_RDONLY | O_NOFOLLOW);
        if (!old) return tl::make_unexpected(old.error());
        std::uint64_t copied = 0;
        while (copied < keep) {
            auto n = ::copy_file_range(old->get(), nullptr, upload.file_.get(), nullptr, keep - copied, 0);
            if (n < 0) return tl::make_unexpected(last_error());
            if (n == 0) break;  // the old file is shorter: REST past its end keeps all of it
            copied += static_cast<std::uint64_t>(n);
        }
    }
    return upload;
}

std::error_code FileRoot::Upload::commit() {
    static std::atomic<std::uint64_t> uploads{0};
    if (::fsync(file_.get()) != 0) return last_error();
    // An O_TMPFILE file gets a name through /proc (open(2), O_TMPFILE): first a hidden one,
    // then rename, which replaces any file of that name in one step.
    auto hidden = ".emu-upload-" + std::to_string(::getpid()) + "-" + std::to_string(uploads++);
    auto proc = "/proc/self/fd/" + std::to_string(file_.get());
    if (::linkat(AT_FDCWD, proc.c_str(), directory_.get(), hidden.c_str(), AT_SYMLINK_FOLLOW) != 0) return last_error();
    if (::renameat(directory_.get(), hidden.c_str(), directory_.get(), name_.c_str()) != 0) {
        auto error = last_error();
        ::unlinkat(directory_.get(), hidden.c_str(), 0);
        return error;
    }
    if (::fsync(directory_.get()) != 0) return last_error();
    return {};
}

}  // namespace emu::ftp
