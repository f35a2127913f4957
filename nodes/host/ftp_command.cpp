#include "nodes/host/ftp_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "lib/util/files.hpp"
#include "lib/util/unique_fd.hpp"
#include "nodes/host/ftp_client.hpp"
#include "nodes/host/run_session.hpp"

namespace emu::host {

int run_ftp(const FtpCommandOptions& options) {
    auto url = parse_ftp_url(options.url);
    if (!url) {
        std::cerr << "emu-host: " << options.url << ": " << url.error() << '\n';
        return 2;
    }
    util::UniqueFd file;
    if (options.action == "put") {
        file.reset(::open(options.file.c_str(), O_RDONLY | O_CLOEXEC));
        if (!file) {
            std::cerr << "emu-host: " << options.file << ": " << std::strerror(errno) << '\n';
            return 2;
        }
        // A URL that names a directory gets the file's own name.
        if (url->names_directory()) url->path += std::filesystem::path(options.file).filename().string();
    } else if (options.action == "get" && !options.file.empty()) {
        file.reset(::open(options.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!file) {
            std::cerr << "emu-host: " << options.file << ": " << std::strerror(errno) << '\n';
            return 2;
        }
    }
    auto resolver = parse_resolv_conf(util::read_file("/etc/resolv.conf").value_or(""));
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(options.timeout_seconds));
    asio::io_context io;
    FtpClient client(io, [&](const std::string& line) {
        if (options.verbose) std::cerr << line << '\n';
    });
    std::uint64_t bytes = 0;
    std::string listing;
    auto session = [&]() -> asio::awaitable<void> {
        co_await client.open(resolver, *url, timeout);
        if (options.action == "get") {
            bytes = co_await client.retrieve(url->path, options.active, file ? file.get() : STDOUT_FILENO);
        } else if (options.action == "put") {
            bytes = co_await client.store(url->path, options.active, file.get());
        } else {
            listing = co_await client.list(url->path, options.active);
            bytes = listing.size();
        }
        co_await client.quit();
    };
    if (!run_session(io, session(), options.url)) return 1;
    std::cout << listing;
    std::cout.flush();
    if (options.verbose) {
        std::cerr << fmt::format("* {} bytes {} {} ({} mode)\n", bytes, options.action == "put" ? "to" : "from",
                                 client.server(), options.active ? "active" : "passive");
    }
    return 0;
}

}  // namespace emu::host
