// emu-httpd: the web server of an emu lab node. emud starts it inside the node with the
// site it wrote from the node's `services: http:` (docs/http.md).
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include <spdlog/spdlog.h>

#include "nodes/common/batched_log.hpp"
#include "nodes/common/node_program.hpp"
#include "nodes/httpd/inline_pages.hpp"
#include "nodes/httpd/server_loop.hpp"

int main(int argc, char** argv) {
    CLI::App app{"emu-httpd: a static web server (HTTP/1.1, RFC 9110/9112) for emu labs: GET and HEAD of the files "
                 "under its root, on port 80 of every address of its node."};
    std::string config_path, data_directory = ".";
    app.add_option("-c,--config", config_path, "the configuration file (JSON, as emud writes it)")->required();
    app.add_option("-d,--data", data_directory, "where a site given inline (`pages`) is written")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    spdlog::set_pattern(emu::node::kLogPattern);

    std::string root;
    std::uint16_t port = 80;
    std::chrono::milliseconds request_timeout = emu::http::ServerLoop::kDefaultRequestTimeout;
    try {
        auto config = emu::node::read_json_config(config_path);
        if (config.is_object() && config.contains("pages")) {
            root = emu::http::write_inline_pages(std::filesystem::path(data_directory) / "site", config["pages"]).string();
        } else if (!config.is_object() || !config.contains("root") || !config["root"].is_string()) {
            throw std::invalid_argument("neither `root` (a path) nor `pages`");
        } else {
            root = config["root"].get<std::string>();
        }
        if (config.contains("port")) {
            if (!config["port"].is_number_unsigned() || config["port"].get<unsigned>() == 0 ||
                config["port"].get<unsigned>() > 65535) {
                throw std::invalid_argument("`port` is not a port number");
            }
            port = static_cast<std::uint16_t>(config["port"].get<unsigned>());
        }
        if (config.contains("request_timeout")) {
            const auto& seconds = config["request_timeout"];
            if (!seconds.is_number() || seconds.get<double>() < 0.1 || seconds.get<double>() > 3600) {
                throw std::invalid_argument("`request_timeout` is not a number of seconds from 0.1 to 3600");
            }
            request_timeout = std::chrono::milliseconds(static_cast<long>(seconds.get<double>() * 1000));
        }
    } catch (const std::exception& error) {
        std::cerr << "emu-httpd: configuration " << config_path << ": " << error.what() << '\n';
        return 2;
    }
    // A descriptor per connection and per file kept open: take what the hard limit allows
    // (the soft limit is often 1024, the most connections it serves at once).
    if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    try {
        emu::http::Responder responder(root);
        emu::asio::io_context io;
        auto log = emu::node::use_batched_log(io);
        emu::http::ServerLoop loop(io, responder, port, request_timeout);
        spdlog::info("httpd.start root={} port={}", responder.root().string(), port);
        bool stopped_cleanly = emu::node::run_until_stopped(io, loop.run(), "httpd.failed");
        log->detach();
        return stopped_cleanly ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-httpd: " << error.what() << '\n';
        return 1;
    }
}
