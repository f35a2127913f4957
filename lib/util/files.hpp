#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace emu::util {

/// Reads a whole file; nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::filesystem::path& path);

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

}  // namespace emu::util
