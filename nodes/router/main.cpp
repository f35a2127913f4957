// emu-router: the routing daemon of an emu lab's router. emud starts it inside the node with
// the protocols its `services:` name (docs/routing.md); what they choose goes into the
// node's kernel table.
#include <CLI/CLI.hpp>
#include <iostream>
#include <random>

#include <spdlog/spdlog.h>

#include "nodes/common/node_program.hpp"
#include "nodes/router/rib.hpp"
#include "nodes/router/rip_loop.hpp"
#include "nodes/router/router_config.hpp"

int main(int argc, char** argv) {
    CLI::App app{"emu-router: RIPv2 (RFC 2453) for emu labs' routers; the routes it chooses go into the node's "
                 "kernel table as `proto rip`."};
    std::string config_path, data_directory = ".";
    app.add_option("-c,--config", config_path, "the configuration file (JSON, as emud writes it)")->required();
    app.add_option("-d,--data", data_directory, "unused: a router keeps no state on disk")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    spdlog::set_pattern(emu::node::kLogPattern);

    emu::router::RouterConfig config;
    try {
        config = emu::router::router_config_from_json(emu::node::read_json_config(config_path));
        if (!config.rip) throw std::invalid_argument("no routing protocol to run (rip)");
    } catch (const std::exception& error) {
        std::cerr << "emu-router: configuration " << config_path << ": " << error.what() << '\n';
        return 2;
    }
    try {
        emu::asio::io_context io;
        auto netlink = emu::net::NetlinkSocket::open();
        emu::router::Rib rib;
        emu::router::RipEngine engine(*config.rip, std::random_device{}());
        emu::router::RipLoop loop(io, engine, rib, netlink);
        spdlog::info("router.start rip_interfaces={}", config.rip->interfaces.size());
        bool stopped_cleanly = emu::node::run_until_stopped(io, loop.run(), "router.failed");
        const auto& counters = engine.counters();
        spdlog::info("router.stop rip_updates={} rip_triggered={} rip_ignored={} rip_bad_routes={} rip_malformed={}",
                     counters.updates_sent, counters.triggered_updates_sent, counters.ignored_messages,
                     counters.bad_routes, loop.malformed());
        return stopped_cleanly ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-router: " << error.what() << '\n';
        return 1;
    }
}
