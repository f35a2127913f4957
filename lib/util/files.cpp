#include "lib/util/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lib/util/system_error.hpp"
#include "lib/util/unique_fd.hpp"

namespace emu::util {

std::error_code write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return {errno, std::generic_category()};
        if (n == 0) return std::make_error_code(std::errc::io_error);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

namespace {

void write_or_throw(int fd, std::string_view content, const std::filesystem::path& path) {
    if (auto error = write_all(fd, content)) throw SystemError("write " + path.string(), error.value());
}

}  // namespace

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::string size_text(std::size_t bytes) {
    if (bytes >= (1U << 20) && bytes % (1U << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= (1U << 10) && bytes % (1U << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

namespace {

std::string_view kind_of_file(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a FIFO (a named pipe)";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a file";
}

}  // namespace

tl::expected<std::string, std::string> read_regular_file(const std::filesystem::path& path, std::size_t max_bytes) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait until something opens it to write.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd) return tl::unexpected("cannot be read: " + std::string(std::strerror(errno)));
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0) return tl::unexpected("cannot be read: " + std::string(std::strerror(errno)));
    if (!S_ISREG(status.st_mode))
        return tl::unexpected("is " + std::string(kind_of_file(status.st_mode)) + ", not a regular file");
    auto too_large = "is larger than " + size_text(max_bytes);
    if (static_cast<std::uintmax_t>(status.st_size) > max_bytes) return tl::unexpected(too_large);
    std::string text;
    text.resize(static_cast<std::size_t>(status.st_size));
    std::size_t used = 0;
    // The file may grow while it is read: one byte more than allowed is enough to refuse it.
    for (;;) {
        if (used == text.size()) text.resize(std::min(max_bytes + 1, std::max<std::size_t>(used * 2, 4096)));
        ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return tl::unexpected("cannot be read: " + std::string(std::strerror(errno)));
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
        if (used > max_bytes) return tl::unexpected(too_large);
    }
    text.resize(used);
    return text;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content, bool durable) {
    auto temporary = path;
    temporary += ".tmp";
    {
        UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!fd) throw_errno("create " + temporary.string());
        write_or_throw(fd.get(), content, temporary);
        if (durable && ::fsync(fd.get()) != 0) throw_errno("fsync " + temporary.string());
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) throw_errno("rename " + temporary.string());
    if (durable) sync_directory(path.parent_path());
}

void write_new_file(const std::filesystem::path& path, std::string_view content) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd) throw_errno("create " + path.string());
    write_or_throw(fd.get(), content, path);
}

void sync_directory(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw_errno("open " + path.string());
    if (::fsync(fd.get()) != 0) throw_errno("fsync " + path.string());
}

std::optional<std::filesystem::path> inline_file_path(std::string_view path) {
    if (path.size() < 2 || path.front() != '/') return std::nullopt;
    std::filesystem::path relative;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto end = std::min(path.find('/', start), path.size());
        auto segment = path.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == ".." || segment.find('\0') != std::string_view::npos) {
            return std::nullopt;
        }
        relative /= segment;
        start = end + 1;
    }
    return relative;
}

std::filesystem::path make_private_directory(std::string_view prefix) {
    auto pattern = (std::filesystem::temp_directory_path() / (std::string(prefix) + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) throw_errno("cannot make a directory like " + pattern);
    return pattern;
}

}  // namespace emu::util
