#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <tl/expected.hpp>

namespace emu::util {

/// Reads a whole file; nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::filesystem::path& path);

/// "16 MiB", "64 KiB" or "1000 bytes": a size limit as a message names it.
std::string size_text(std::size_t bytes);

/// Reads a regular file of at most `max_bytes`. Anything else is refused before a byte of it
/// is read: a directory, a device (/dev/zero never ends), a FIFO (reading it would wait for a
/// writer), a socket, or a larger file. The error completes "this …": "is a directory, not a
/// regular file", "is larger than 16 MiB", "cannot be read: No such file or directory".
tl::expected<std::string, std::string> read_regular_file(const std::filesystem::path& path, std::size_t max_bytes);

/// Writes all of `bytes` to `fd`, going on after a signal (EINTR) and a short write; the
/// error that stopped it, if any.
std::error_code write_all(int fd, std::string_view bytes);

/// Writes a file whole: a temporary beside it, fsync when asked, then rename over the target.
/// Throws SystemError on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content, bool durable = false);

/// Writes a file that nobody else sees half-written because it does not exist yet (O_EXCL).
void write_new_file(const std::filesystem::path& path, std::string_view content);

/// The relative path a topology's inline file names ("/docs/a.txt" → "docs/a.txt"): it must
/// start with "/" and have no empty, "." or ".." part and no NUL, so that it stays inside the
/// directory it is written to. nullopt otherwise.
std::optional<std::filesystem::path> inline_file_path(std::string_view path);

/// fsyncs a directory so that entries made or removed in it survive a crash.
void sync_directory(const std::filesystem::path& path);

/// A new directory of its own under the temporary folder ($TMPDIR, else /tmp), private to
/// the user (mode 0700) and named `prefix` and six random characters (mkdtemp), so that no
/// one else's file is in it or can be put there. Throws SystemError on failure.
std::filesystem::path make_private_directory(std::string_view prefix);

}  // namespace emu::util
