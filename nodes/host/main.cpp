// emu-host: the host node program. `emu-host agent` is what emud runs in a node whose
// topology declares `dhcp` interfaces; `emu-host dhcp IFACE` is one DHCP exchange by hand.
#include <CLI/CLI.hpp>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nodes/common/node_program.hpp"
#include "nodes/host/agent.hpp"
#include "nodes/host/dhcp_client_loop.hpp"
#include "nodes/host/lease_text.hpp"

namespace {

int run_agent(const std::string& config_path, const std::string& data_directory) {
    emu::host::AgentConfig config;
    try {
        config = emu::host::agent_config_from_json(emu::node::read_json_config(config_path));
    } catch (const std::exception& error) {
        std::cerr << "emu-host: configuration " << config_path << ": " << error.what() << '\n';
        return 2;
    }
    try {
        emu::asio::io_context io;
        emu::host::HostAgent agent(io, config, data_directory);
        spdlog::info("host.start dhcp_interfaces={}", fmt::join(config.dhcp_interfaces, ","));
        bool stopped_cleanly = emu::node::run_until_stopped(io, agent.run(), "host.failed");
        if (stopped_cleanly) agent.release();
        return stopped_cleanly ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-host: " << error.what() << '\n';
        return 1;
    }
}

int run_one_exchange(const std::string& interface, double timeout_seconds) {
    try {
        emu::asio::io_context io;
        std::unique_ptr<emu::host::ResolvConf> resolv_conf;
        // Only the node's own resolv.conf (a file mounted over /etc, as emud and `ip netns
        // exec` give each node) is ours to write; the machine's is left alone.
        if (emu::host::is_node_file("/etc/resolv.conf")) {
            resolv_conf = std::make_unique<emu::host::ResolvConf>("/etc/resolv.conf");
        } else {
            std::cerr << "emu-host: /etc/resolv.conf is the machine's, not this node's: leaving it alone\n";
        }
        std::optional<emu::host::DhcpLease> lease;
        emu::host::DhcpClientLoop::Options options;
        options.interface = interface;
        options.resolv_conf = resolv_conf.get();
        char hostname[256] = {};
        if (::gethostname(hostname, sizeof hostname - 1) == 0) options.hostname = hostname;
        std::unique_ptr<emu::host::DhcpClientLoop> client;
        options.on_lease = [&](const emu::host::DhcpLease& got) {
            lease = got;
            client->stop();
        };
        client = std::make_unique<emu::host::DhcpClientLoop>(io, std::move(options));

        std::exception_ptr failure;
        emu::asio::co_spawn(io, client->run(), [&](std::exception_ptr error) {
            failure = error;
            io.stop();
        });
        emu::asio::steady_timer deadline(io, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                 std::chrono::duration<double>(timeout_seconds)));
        deadline.async_wait([&](const boost::system::error_code& error) {
            if (!error) io.stop();
        });
        emu::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
        io.run();
        if (failure) std::rethrow_exception(failure);
        if (!lease) {
            std::cerr << fmt::format("emu-host: no lease on {} within {} s (state {})\n", interface, timeout_seconds,
                                     emu::host::to_string(client->client().state()));
            return 1;
        }
        std::cout << emu::host::lease_text(interface, *lease);
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "emu-host: " << error.what() << '\n';
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"emu-host: the host node program of emu labs."};
    app.require_subcommand(1);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");

    auto* agent = app.add_subcommand(
        "agent", "run as the node's agent (emud starts it): a DHCP client (RFC 2131) on each `dhcp` interface, "
                 "renewing until stopped, then releasing");
    std::string config_path, data_directory = ".";
    agent->add_option("-c,--config", config_path, "the configuration file (JSON, as emud writes it)")->required();
    agent->add_option("-d,--data", data_directory, "where the leases are kept")->capture_default_str();

    auto* dhcp = app.add_subcommand(
        "dhcp", "one DHCP exchange on an interface: DISCOVER, OFFER, REQUEST, ACK; configures the address, the "
                "default route and the node's resolv.conf, prints the lease and exits (the lease is kept)");
    std::string interface;
    double timeout_seconds = 30;
    dhcp->add_option("interface", interface, "the interface, as the node names it (eth0)")->required();
    dhcp->add_option("-t,--timeout", timeout_seconds, "give up after this many seconds")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 3600.0));
    bool verbose = false;
    dhcp->add_flag("-v,--verbose", verbose, "log each message sent and received to stderr");

    CLI11_PARSE(app, argc, argv);
    if (*agent) return run_agent(config_path, data_directory);
    spdlog::set_level(verbose ? spdlog::level::info : spdlog::level::warn);
    return run_one_exchange(interface, timeout_seconds);
}
