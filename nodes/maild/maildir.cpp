#include "nodes/maild/maildir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "lib/util/files.hpp"
#include "lib/util/unique_fd.hpp"

namespace emu::mail {
namespace {

namespace fs = std::filesystem;

std::error_code last_error() { return {errno, std::generic_category()}; }

std::error_code sync_directory(const fs::path& directory) {
    util::UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return last_error();
    return ::fsync(fd.get()) == 0 ? std::error_code() : last_error();
}

// The part of a file name in new/ or cur/ before the flags (":2,S"): the unique name.
std::string unique_of(const std::string& file_name) { return file_name.substr(0, file_name.find(':')); }

}  // namespace

tl::expected<Maildir, std::error_code> Maildir::open(const fs::path& directory, std::string host) {
    std::error_code error;
    for (const char* part : {"tmp", "new", "cur"}) {
        fs::create_directories(directory / part, error);
        if (error) return tl::make_unexpected(error);
    }
    // A delivery cut short (the server killed mid-DATA) left its file in tmp/; it was never
    // acknowledged, so it goes.
    for (const auto& entry : fs::directory_iterator(directory / "tmp", error)) fs::remove(entry.path(), error);
    if (error) return tl::make_unexpected(error);
    Maildir box(directory, std::move(host));
    // Held open: each delivery creates in tmp/, renames into new/ and fsyncs new/ through
    // them, without looking either up again.
    box.tmp_.reset(::open((directory / "tmp").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    box.new_.reset(::open((directory / "new").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!box.tmp_ || !box.new_) return tl::make_unexpected(last_error());
    return box;
}

std::string Maildir::unique_name() {
    // Seconds, microseconds, process and a counter (the Maildir convention's
    // "time.MusecPpid.host"), fixed width so that names sort in delivery order.
    auto now = std::chrono::system_clock::now().time_since_epoch();
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - seconds);
    auto name = fmt::format("{:010}.M{:06}P{}Q{}.{}", seconds.count(), micros.count(), ::getpid(), ++deliveries_, host_);
    // The name is POP3's UIDL, which RFC 1939 §7 holds to 70 characters: a long host name is cut.
    if (name.size() > 70) name.resize(70);
    return name;
}

tl::expected<std::string, std::error_code> Maildir::deliver(std::string_view message) {
    auto unique = unique_name();
    util::UniqueFd fd(::openat(tmp_.get(), unique.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) return tl::make_unexpected(last_error());
    auto fail = [&](std::error_code error) {
        ::unlinkat(tmp_.get(), unique.c_str(), 0);
        return tl::make_unexpected(error);
    };
    if (auto error = util::write_all(fd.get(), message)) return fail(error);
    if (::fsync(fd.get()) != 0) return fail(last_error());
    fd.reset();
    if (::renameat(tmp_.get(), unique.c_str(), new_.get(), unique.c_str()) != 0) return fail(last_error());
    if (::fsync(new_.get()) != 0) return tl::make_unexpected(last_error());
    return unique;
}

tl::expected<std::vector<Maildir::Message>, std::error_code> Maildir::messages() const {
    std::vector<Message> found;
    std::error_code error;
    for (const char* part : {"new", "cur"}) {
        for (const auto& entry : fs::directory_iterator(directory_ / part, error)) {
            if (!entry.is_regular_file(error)) continue;
            auto name = entry.path().filename().string();
            if (name.empty() || name.front() == '.') continue;
            auto size = entry.file_size(error);
            if (error) return tl::make_unexpected(error);
            found.push_back({unique_of(name), size, entry.path()});
        }
        if (error) return tl::make_unexpected(error);
    }
    std::sort(found.begin(), found.end(), [](const Message& a, const Message& b) { return a.unique < b.unique; });
    return found;
}

tl::expected<std::string, std::error_code> Maildir::read(const Message& message) const {
    std::ifstream file(message.path, std::ios::binary);
    if (!file) return tl::make_unexpected(std::make_error_code(std::errc::no_such_file_or_directory));
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
}

std::error_code Maildir::remove(const Message& message) const {
    if (::unlink(message.path.c_str()) != 0) return last_error();
    return sync_directory(message.path.parent_path());
}

}  // namespace emu::mail
