// emu-host: the host node program. `emu-host agent` is what emud runs in a node whose
// topology declares `dhcp` interfaces; `emu-host dhcp IFACE` is one DHCP exchange by hand;
// `emu-host resolve NAME [TYPE]` asks the node's DNS servers; `emu-host get URL` fetches a page.
#include <CLI/CLI.hpp>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "lib/util/files.hpp"
#include "lib/wire/dns_zone.hpp"
#include "nodes/common/node_program.hpp"
#include "nodes/host/agent.hpp"
#include "nodes/host/dhcp_client_loop.hpp"
#include "nodes/host/http_get.hpp"
#include "nodes/host/lease_text.hpp"
#include "nodes/host/resolver.hpp"

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

int run_resolve(const std::string& name, const std::string& type_name, const std::string& server, bool verbose) {
    auto type = emu::wire::dns_type_from_name(type_name);
    if (!type) {
        std::cerr << "emu-host: '" << type_name << "' is not a record type (A, AAAA, MX, TXT, NS, CNAME, SOA, SRV, PTR …)\n";
        return 2;
    }
    auto config = emu::host::parse_resolv_conf(emu::util::read_file("/etc/resolv.conf").value_or(""));
    if (!server.empty()) {
        auto address = emu::wire::IpAddress::parse(server);
        if (!address) {
            std::cerr << "emu-host: '" << server << "' is not an address\n";
            return 2;
        }
        config.nameservers = {*address};
    }
    try {
        emu::asio::io_context io;
        emu::host::Resolver resolver(io, config);
        std::optional<emu::host::Resolution> result;
        std::exception_ptr failure;
        auto started = std::chrono::steady_clock::now();
        emu::asio::co_spawn(io, resolver.resolve(name, *type), [&](std::exception_ptr error, emu::host::Resolution got) {
            failure = error;
            if (!error) result = std::move(got);
        });
        io.run();
        if (failure) std::rethrow_exception(failure);
        if (verbose) {
            auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            std::cerr << fmt::format(";; {} {} from {}{} in {:.1f} ms: {}\n", result->asked.to_string(),
                                     emu::wire::dns_type_name(*type), result->server,
                                     result->truncated_then_tcp ? " over TCP (the UDP answer was truncated)" : " over UDP",
                                     ms, emu::wire::dns_rcode_name(result->rcode));
        }
        for (const auto& record : result->chain) std::cout << emu::wire::zone_line(record) << '\n';
        if (result->found()) return 0;
        std::cerr << fmt::format("emu-host: {}: {}\n", name,
                                 result->rcode == emu::wire::dns_rcode::kNxDomain ? "no such name (NXDOMAIN)"
                                                                                   : "no " + type_name + " record");
        return 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-host: " << error.what() << '\n';
        return 1;
    }
}

int run_get(const std::string& text, bool verbose, double timeout_seconds) {
    auto url = emu::host::parse_http_url(text);
    if (!url) {
        std::cerr << "emu-host: " << text << ": " << url.error() << '\n';
        return 2;
    }
    auto config = emu::host::parse_resolv_conf(emu::util::read_file("/etc/resolv.conf").value_or(""));
    try {
        emu::asio::io_context io;
        std::optional<emu::host::HttpFetch> fetch;
        std::exception_ptr failure;
        auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(timeout_seconds));
        emu::asio::co_spawn(io, emu::host::http_get(io, config, *url, timeout),
                            [&](std::exception_ptr error, emu::host::HttpFetch got) {
                                failure = error;
                                if (!error) fetch = std::move(got);
                            });
        io.run();
        if (failure) std::rethrow_exception(failure);
        if (verbose) {
            std::cerr << fmt::format("< HTTP/{}.{} {} {} (from {}:{})\n", fetch->head.version.major,
                                     fetch->head.version.minor, fetch->head.status, fetch->head.reason, fetch->address,
                                     url->port);
            for (const auto& field : fetch->head.fields.fields) std::cerr << "< " << field.name << ": " << field.value << '\n';
        }
        std::cout.write(reinterpret_cast<const char*>(fetch->body.data()), static_cast<std::streamsize>(fetch->body.size()));
        std::cout.flush();
        if (fetch->head.status >= 200 && fetch->head.status < 300) return 0;
        std::cerr << fmt::format("emu-host: {}: HTTP {} {}\n", text, fetch->head.status, fetch->head.reason);
        return 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-host: " << text << ": " << error.what() << '\n';
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

    auto* resolve = app.add_subcommand(
        "resolve", "ask the node's DNS servers (from /etc/resolv.conf, with its search list) for a name, as the C "
                   "library would: UDP, then TCP when the answer is truncated; prints the records, exit 1 if none");
    std::string resolve_name, resolve_type = "A", resolve_server;
    bool resolve_verbose = false;
    resolve->add_option("name", resolve_name, "the name (www, www.example.com, www.example.com.)")->required();
    resolve->add_option("type", resolve_type, "the record type")->capture_default_str();
    resolve->add_option("-s,--server", resolve_server, "ask this server instead of resolv.conf's");
    resolve->add_flag("-v,--verbose", resolve_verbose, "say who answered, how, and how fast (to stderr)");

    auto* get = app.add_subcommand(
        "get", "fetch a page: the host's name by DNS (resolv.conf), a TCP connection, GET; prints the body, exit 1 "
               "unless the status is 2xx");
    std::string get_url;
    bool get_verbose = false;
    double get_timeout = 10;
    get->add_option("url", get_url, "an http:// URL")->required();
    get->add_flag("-v,--verbose", get_verbose, "print the status line and the headers (to stderr)");
    get->add_option("-t,--timeout", get_timeout, "give up after this many seconds")->capture_default_str()->check(
        CLI::Range(0.1, 3600.0));

    CLI11_PARSE(app, argc, argv);
    if (*agent) return run_agent(config_path, data_directory);
    if (*get) return run_get(get_url, get_verbose, get_timeout);
    if (*resolve) return run_resolve(resolve_name, resolve_type, resolve_server, resolve_verbose);
    spdlog::set_level(verbose ? spdlog::level::info : spdlog::level::warn);
    return run_one_exchange(interface, timeout_seconds);
}
