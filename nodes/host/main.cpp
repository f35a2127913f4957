// emu-host: the host node program. `emu-host agent` is what emud runs in a node whose
// topology declares `dhcp` interfaces; `emu-host dhcp IFACE` is one DHCP exchange by hand;
// `emu-host resolve NAME [TYPE]` asks the node's DNS servers; `emu-host get URL` fetches a page
// (`--dhcp IFACE` first: the whole web-page request from a bare interface).
#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "nodes/common/node_program.hpp"
#include "nodes/host/commands.hpp"

int main(int argc, char** argv) {
    CLI::App app{"emu-host: the host node program of emu labs."};
    app.require_subcommand(1);
    spdlog::set_pattern(emu::node::kLogPattern);

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
    std::string get_dhcp_interface;
    get->add_option("--dhcp", get_dhcp_interface,
                    "first get an address on this interface by DHCP, as a host that has just booted: the whole "
                    "web-page request in one command (the lease is printed to stderr with -v)");

    CLI11_PARSE(app, argc, argv);
    if (*agent) return emu::host::run_agent(config_path, data_directory);
    if (*get) {
        if (!get_dhcp_interface.empty()) {
            spdlog::set_level(spdlog::level::warn);
            std::ostringstream lease;
            if (int status = emu::host::run_one_exchange(get_dhcp_interface, get_timeout, lease); status != 0) return status;
            if (get_verbose) std::cerr << lease.str();
        }
        return emu::host::run_get(get_url, get_verbose, get_timeout);
    }
    if (*resolve) return emu::host::run_resolve(resolve_name, resolve_type, resolve_server, resolve_verbose);
    spdlog::set_level(verbose ? spdlog::level::info : spdlog::level::warn);
    return emu::host::run_one_exchange(interface, timeout_seconds, std::cout);
}
