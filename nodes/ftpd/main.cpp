// emu-ftpd: the FTP server of an emu lab node. emud starts it inside the node with the
// settings it wrote from the node's `services: ftp:` (docs/ftp.md).
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "nodes/common/batched_log.hpp"
#include "nodes/common/node_program.hpp"
#include "nodes/ftpd/server_loop.hpp"

int main(int argc, char** argv) {
    CLI::App app{"emu-ftpd: an FTP server (RFC 959, 2428, 3659) for emu labs: its users' files under one root, "
                 "passive and active data connections, on port 21 of every address of its node."};
    std::string config_path, data_directory = ".";
    app.add_option("-c,--config", config_path, "the configuration file (JSON, as emud writes it)")->required();
    app.add_option("-d,--data", data_directory, "where the files live when the configuration names no `root`")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    spdlog::set_pattern(emu::node::kLogPattern);

    emu::ftp::ServerConfig config;
    try {
        config = emu::ftp::read_server_config(emu::node::read_json_config(config_path), data_directory);
    } catch (const std::exception& error) {
        std::cerr << "emu-ftpd: configuration " << config_path << ": " << error.what() << '\n';
        return 2;
    }
    auto files = emu::ftp::FileRoot::open(config.root);
    if (!files) {
        std::cerr << "emu-ftpd: root " << config.root << ": " << files.error().message() << '\n';
        return 2;
    }
    // sendfile(2) to a client that has gone raises SIGPIPE; the error is enough.
    std::signal(SIGPIPE, SIG_IGN);
    if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    try {
        emu::asio::io_context io;
        auto log = emu::node::use_batched_log(io);
        emu::ftp::ServerLoop loop(io, config, *files);
        spdlog::info("ftpd.start root={} port={} users={} anonymous={} passive_ports={}-{}", config.root.string(), config.port,
                     config.users.size(), config.anonymous, config.passive_first, config.passive_last);
        bool stopped_cleanly = emu::node::run_until_stopped(io, loop.run(), "ftpd.failed");
        log->detach();
        return stopped_cleanly ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-ftpd: " << error.what() << '\n';
        return 1;
    }
}
