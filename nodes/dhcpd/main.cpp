// emu-dhcpd: the DHCP server of an emu lab node. emud starts it inside the node with the
// configuration it wrote from the node's `services: dhcp:` (docs/dhcp.md).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>

#include "nodes/common/node_program.hpp"
#include "nodes/dhcpd/config_json.hpp"
#include "nodes/dhcpd/server_loop.hpp"

int main(int argc, char** argv) {
    CLI::App app{"emu-dhcpd: a DHCP server (RFC 2131) for emu labs. It answers on UDP port 67 of every interface "
                 "of its node and keeps its leases in DATA/leases, durable before it acknowledges them."};
    std::string config_path, data_directory = ".";
    app.add_option("-c,--config", config_path, "the configuration file (JSON, as emud writes it)")->required();
    app.add_option("-d,--data", data_directory, "where the leases are kept")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    spdlog::set_pattern(emu::node::kLogPattern);

    emu::dhcp::ServerConfig config;
    try {
        config = emu::dhcp::server_config_from_json(emu::node::read_json_config(config_path));
    } catch (const std::exception& error) {
        std::cerr << "emu-dhcpd: configuration " << config_path << ": " << error.what() << '\n';
        return 2;
    }
    try {
        auto path = std::filesystem::path(data_directory) / "leases";
        auto loaded = emu::dhcp::LeaseFile::load(path);
        if (loaded.skipped_lines > 0) {
            spdlog::warn("dhcpd.leases_skipped lines={}: torn by a crash; their replies were never sent",
                         loaded.skipped_lines);
        }
        emu::dhcp::LeaseFile leases(path, loaded.leases);
        emu::dhcp::DhcpServer server(config, loaded.leases);

        emu::asio::io_context io;
        emu::dhcp::ServerLoop loop(io, server, leases);
        spdlog::info("dhcpd.start subnets={} leases={} file={}", config.subnets.size(), loaded.leases.size(),
                     path.string());
        bool stopped_cleanly = emu::node::run_until_stopped(io, loop.run(), "dhcpd.failed");
        const auto& counters = server.counters();
        spdlog::info("dhcpd.stop received={} offers={} acks={} naks={} exhausted={} malformed={}", counters.received,
                     counters.offers, counters.acks, counters.naks, counters.exhausted, counters.malformed);
        return stopped_cleanly ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-dhcpd: " << error.what() << '\n';
        return 1;
    }
}
