#include "nodes/host/commands.hpp"

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

namespace emu::host {

int run_agent(const std::string& config_path, const std::string& data_directory) {
    AgentConfig config;
    try {
        config = agent_config_from_json(node::read_json_config(config_path));
    } catch (const std::exception& error) {
        std::cerr << "emu-host: configuration " << config_path << ": " << error.what() << '\n';
        return 2;
    }
    try {
        asio::io_context io;
        HostAgent agent(io, config, data_directory);
        spdlog::info("host.start dhcp_interfaces={}", fmt::join(config.dhcp_interfaces, ","));
        bool stopped_cleanly = node::run_until_stopped(io, agent.run(), "host.failed");
        if (stopped_cleanly) agent.release();
        return stopped_cleanly ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-host: " << error.what() << '\n';
        return 1;
    }
}

int run_one_exchange(const std::string& interface, double timeout_seconds, std::ostream& lease_out) {
    try {
        asio::io_context io;
        std::unique_ptr<ResolvConf> resolv_conf;
        // Only the node's own resolv.conf (a file mounted over /etc, as emud and `ip netns
        // exec` give each node) is ours to write; the machine's is left alone.
        if (is_node_file("/etc/resolv.conf")) {
            resolv_conf = std::make_unique<ResolvConf>("/etc/resolv.conf");
        } else {
            std::cerr << "emu-host: /etc/resolv.conf is the machine's, not this node's: leaving it alone\n";
        }
        std::optional<DhcpLease> lease;
        DhcpClientLoop::Options options;
        options.interface = interface;
        options.resolv_conf = resolv_conf.get();
        char hostname[256] = {};
        if (::gethostname(hostname, sizeof hostname - 1) == 0) options.hostname = hostname;
        std::unique_ptr<DhcpClientLoop> client;
        options.on_lease = [&](const DhcpLease& got) {
            lease = got;
            client->stop();
        };
        client = std::make_unique<DhcpClientLoop>(io, std::move(options));

        std::exception_ptr failure;
        asio::co_spawn(io, client->run(), [&](std::exception_ptr error) {
            failure = error;
            io.stop();
        });
        asio::steady_timer deadline(io, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                 std::chrono::duration<double>(timeout_seconds)));
        deadline.async_wait([&](const boost::system::error_code& error) {
            if (!error) io.stop();
        });
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
        io.run();
        if (failure) std::rethrow_exception(failure);
        if (!lease) {
            std::cerr << fmt::format("emu-host: no lease on {} within {} s (state {})\n", interface, timeout_seconds,
                                     to_string(client->client().state()));
            return 1;
        }
        lease_out << lease_text(interface, *lease);
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "emu-host: " << error.what() << '\n';
        return 1;
    }
}

int run_resolve(const std::string& name, const std::string& type_name, const std::string& server, bool verbose) {
    auto type = wire::dns_type_from_name(type_name);
    if (!type) {
        std::cerr << "emu-host: '" << type_name << "' is not a record type (A, AAAA, MX, TXT, NS, CNAME, SOA, SRV, PTR …)\n";
        return 2;
    }
    auto config = parse_resolv_conf(util::read_file("/etc/resolv.conf").value_or(""));
    if (!server.empty()) {
        auto address = wire::IpAddress::parse(server);
        if (!address) {
            std::cerr << "emu-host: '" << server << "' is not an address\n";
            return 2;
        }
        config.nameservers = {*address};
    }
    try {
        asio::io_context io;
        Resolver resolver(io, config);
        std::optional<Resolution> result;
        std::exception_ptr failure;
        auto started = std::chrono::steady_clock::now();
        asio::co_spawn(io, resolver.resolve(name, *type), [&](std::exception_ptr error, Resolution got) {
            failure = error;
            if (!error) result = std::move(got);
        });
        io.run();
        if (failure) std::rethrow_exception(failure);
        if (verbose) {
            auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            std::cerr << fmt::format(";; {} {} from {}{} in {:.1f} ms: {}\n", result->asked.to_string(),
                                     wire::dns_type_name(*type), result->server,
                                     result->truncated_then_tcp ? " over TCP (the UDP answer was truncated)" : " over UDP",
                                     ms, wire::dns_rcode_name(result->rcode));
        }
        for (const auto& record : result->chain) std::cout << wire::zone_line(record) << '\n';
        if (result->found()) return 0;
        std::cerr << fmt::format("emu-host: {}: {}\n", name,
                                 result->rcode == wire::dns_rcode::kNxDomain ? "no such name (NXDOMAIN)"
                                                                                   : "no " + type_name + " record");
        return 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-host: " << error.what() << '\n';
        return 1;
    }
}

int run_get(const std::string& text, bool verbose, double timeout_seconds) {
    auto url = parse_http_url(text);
    if (!url) {
        std::cerr << "emu-host: " << text << ": " << url.error() << '\n';
        return 2;
    }
    auto config = parse_resolv_conf(util::read_file("/etc/resolv.conf").value_or(""));
    try {
        asio::io_context io;
        std::optional<HttpFetch> fetch;
        std::exception_ptr failure;
        auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(timeout_seconds));
        asio::co_spawn(io, http_get(io, config, *url, timeout),
                            [&](std::exception_ptr error, HttpFetch got) {
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


}  // namespace emu::host
