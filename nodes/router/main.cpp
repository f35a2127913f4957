// emu-router: the routing daemon of an emu lab's router. emud starts it inside the node with
// the protocols its `services:` name (docs/routing.md); what they choose goes into the
// node's kernel table. `emu-router show …`, run in the node, asks the running daemon.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <random>

#include <spdlog/spdlog.h>

#include "nodes/common/node_program.hpp"
#include "nodes/router/inspection.hpp"
#include "nodes/router/inspection_socket.hpp"
#include "nodes/router/rib.hpp"
#include "nodes/router/router_loop.hpp"
#include "nodes/router/router_config.hpp"

namespace {

// `emu-router show TOPIC…`: the running daemon's report, for a person or (--json) a script.
int show(const std::vector<std::string>& words, bool as_json) {
    std::string topic;
    for (const auto& word : words) topic += (topic.empty() ? "" : " ") + word;
    auto report = emu::router::ask_router(topic, std::chrono::seconds(5));
    if (!report) {
        std::cerr << "emu-router show " << topic << ": " << report.error() << '\n';
        return 1;
    }
    std::cout << (as_json ? report->dump(2) + '\n' : emu::router::format_report(topic, *report));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"emu-router: RIPv2 (RFC 2453) and OSPFv2 (RFC 2328, the backbone) for emu labs' routers; the routes "
                 "it chooses go into the node's kernel table as `proto rip` and `proto ospf`."};
    std::string config_path, data_directory = ".";
    app.add_option("-c,--config", config_path, "run the daemon with this configuration file (JSON, as emud writes it)");
    app.add_option("-d,--data", data_directory, "unused: a router keeps no state on disk")->capture_default_str();
    auto* show_command = app.add_subcommand(
        "show", std::string("ask the daemon running in this node (emu exec LAB NODE -- emu-router show routes): ") +
                    emu::router::kInspectionTopics);
    std::vector<std::string> topic_words;
    bool as_json = false;
    show_command->add_option("topic", topic_words, emu::router::kInspectionTopics)->required();
    show_command->add_flag("--json", as_json, "print the daemon's report as JSON");
    CLI11_PARSE(app, argc, argv);
    if (show_command->parsed()) return show(topic_words, as_json);
    if (config_path.empty()) {
        std::cerr << "emu-router: --config is required to run the daemon (or: emu-router show TOPIC)\n";
        return 2;
    }
    spdlog::set_pattern(emu::node::kLogPattern);

    emu::router::RouterConfig config;
    try {
        config = emu::router::router_config_from_json(emu::node::read_json_config(config_path));
        if (!config.rip && !config.ospf) throw std::invalid_argument("no routing protocol to run (rip, ospf)");
    } catch (const std::exception& error) {
        std::cerr << "emu-router: configuration " << config_path << ": " << error.what() << '\n';
        return 2;
    }
    try {
        emu::asio::io_context io;
        auto netlink = emu::net::NetlinkSocket::open();
        emu::router::Rib rib;
        std::random_device random;
        std::optional<emu::router::RipEngine> rip;
        std::optional<emu::router::OspfEngine> ospf;
        if (config.rip) rip.emplace(*config.rip, random());
        if (config.ospf) ospf.emplace(*config.ospf, random());
        emu::router::RouterLoop loop(io, config.interfaces, config.static_routes, rip ? &*rip : nullptr,
                                     ospf ? &*ospf : nullptr, rib, netlink);
        emu::router::InspectionServer inspection(io, [&](const std::string& topic) {
            return emu::router::report(topic, rib, rip ? &*rip : nullptr, ospf ? &*ospf : nullptr,
                                       emu::router::Clock::now());
        });
        emu::asio::co_spawn(io, inspection.run(), [](std::exception_ptr failure) {
            if (failure) std::rethrow_exception(failure);
        });
        spdlog::info("router.start rip_interfaces={} ospf_interfaces={}{}", rip ? config.rip->interfaces.size() : 0,
                     ospf ? config.ospf->interfaces.size() : 0,
                     ospf ? " router_id=" + config.ospf->router_id.to_string() : std::string());
        bool stopped_cleanly = emu::node::run_until_stopped(io, loop.run(), "router.failed");
        if (rip) {
            const auto& counters = rip->counters();
            spdlog::info("router.stop rip_updates={} rip_triggered={} rip_ignored={} rip_bad_routes={}",
                         counters.updates_sent, counters.triggered_updates_sent, counters.ignored_messages,
                         counters.bad_routes);
        }
        if (ospf) {
            const auto& counters = ospf->counters();
            spdlog::info("router.stop ospf_lsas_received={} ospf_lsas_flooded={} ospf_retransmissions={} ospf_spf_runs={} "
                         "ospf_ignored={}",
                         counters.lsas_received, counters.lsas_flooded, counters.retransmissions, counters.spf_runs,
                         counters.packets_ignored);
        }
        spdlog::info("router.stop malformed={}", loop.malformed());
        return stopped_cleanly ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-router: " << error.what() << '\n';
        return 1;
    }
}
