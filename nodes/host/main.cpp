// emu-host: the host node program. `emu-host agent` is what emud runs in a node whose
// topology declares `dhcp` interfaces; `emu-host dhcp IFACE` is one DHCP exchange by hand;
// `emu-host resolve NAME [TYPE]` asks the node's DNS servers; `emu-host get URL` fetches a page
// (`--dhcp IFACE` first: the whole web-page request from a bare interface); `emu-host ping` and
// `emu-host traceroute` are the two ICMP tools, with iputils' and Linux traceroute's options.
#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "nodes/common/node_program.hpp"
#include "nodes/host/commands.hpp"
#include "nodes/host/ftp_command.hpp"
#include "nodes/host/mail_command.hpp"
#include "nodes/host/ping.hpp"
#include "nodes/host/traceroute.hpp"

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

    auto* ping = app.add_subcommand(
        "ping", "send ICMP echo requests (RFC 792) and print each reply with its TTL and round trip, each ICMP error "
                "about a request, and the statistics (also on Ctrl-C); exit 0 when a reply came, 1 when none did");
    emu::host::PingOptions ping_options;
    std::uint64_t ping_count = 0;
    ping->add_option("destination", ping_options.destination, "an address or a name")->required();
    ping->add_option("-c,--count", ping_count, "stop after this many requests (default: until interrupted)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    ping->add_option("-i,--interval", ping_options.interval_seconds, "seconds between requests")
        ->capture_default_str()
        ->check(CLI::Range(0.001, 3600.0));
    ping->add_option("-W,--timeout", ping_options.timeout_seconds,
                     "seconds the last request waits for its reply when none has come back yet")
        ->capture_default_str()
        ->check(CLI::Range(0.001, 3600.0));
    double ping_deadline = 0;
    ping->add_option("-w,--deadline", ping_deadline, "stop after this many seconds, whatever happened")
        ->check(CLI::Range(0.001, 1e6));
    ping->add_option("-s,--size", ping_options.data_size, "bytes of data in each request")
        ->capture_default_str()
        ->check(CLI::Range(0, 65507));
    ping->add_option("-t,--ttl", ping_options.ttl, "the requests' time to live")
        ->capture_default_str()
        ->check(CLI::Range(1, 255));
    ping->add_option("-I,--interface", ping_options.interface, "send through this interface only");
    ping->add_flag("-q,--quiet", ping_options.quiet, "print only the first line and the statistics");
    bool numeric = false;  // what -n asks is what emu-host always does
    ping->add_flag("-n,--numeric", numeric, "addresses are always printed as numbers (accepted for iputils' scripts)");

    auto* traceroute = app.add_subcommand(
        "traceroute", "print the routers on the way to a destination: probes with TTL 1, 2, 3 …, each answered by the "
                      "router where it ran out with ICMP time exceeded, until the destination answers; exit 0 when "
                      "it did, 1 when it did not");
    emu::host::TracerouteOptions trace_options;
    traceroute->add_option("destination", trace_options.destination, "an address or a name")->required();
    traceroute->add_option("packet_length", trace_options.packet_length, "bytes in each probe, IP header included")
        ->capture_default_str()
        ->check(CLI::Range(28, 65000));
    bool trace_icmp = false;
    traceroute->add_flag("-I,--icmp", trace_icmp, "probe with ICMP echo requests instead of UDP datagrams");
    traceroute->add_option("-f,--first", trace_options.first_ttl, "the TTL to start with")
        ->capture_default_str()
        ->check(CLI::Range(1, 255));
    traceroute->add_option("-m,--max-hops", trace_options.max_ttl, "the TTL to stop at")
        ->capture_default_str()
        ->check(CLI::Range(1, 255));
    traceroute->add_option("-q,--queries", trace_options.queries, "probes per hop")
        ->capture_default_str()
        ->check(CLI::Range(1, 10));
    traceroute->add_option("-w,--wait", trace_options.wait_seconds, "seconds a hop's probes wait for answers")
        ->capture_default_str()
        ->check(CLI::Range(0.001, 60.0));
    traceroute->add_option("-p,--port", trace_options.port, "the UDP destination port of the first probe")
        ->capture_default_str()
        ->check(CLI::Range(1, 65535));
    traceroute->add_option("-i,--interface", trace_options.interface, "send through this interface only");
    traceroute->add_flag("-n", numeric, "addresses are always printed as numbers (accepted for traceroute's scripts)");

    auto* ftp = app.add_subcommand(
        "ftp", "one FTP session (RFC 959) with the server a URL names: log in (anonymous without a user), TYPE I, a "
               "data connection for the transfer — passive (PASV) or, with --active, the server connecting back "
               "after PORT — and QUIT; exit 0 when the transfer completed (226)");
    ftp->require_subcommand(1);
    emu::host::FtpCommandOptions ftp_options;
    auto add_ftp_common = [&](CLI::App* command) {
        command->add_flag("--active", ftp_options.active, "active mode: PORT, and the server connects from its port 20");
        command->add_flag("-v,--verbose", ftp_options.verbose, "print the commands and replies (to stderr)");
        command->add_option("-t,--timeout", ftp_options.timeout_seconds, "give up after this many seconds")
            ->capture_default_str()
            ->check(CLI::Range(0.1, 3600.0));
    };
    auto* ftp_get = ftp->add_subcommand("get", "download a file: to stdout, or to -o FILE");
    ftp_get->add_option("url", ftp_options.url, "ftp://[user[:password]@]host[:port]/path")->required();
    ftp_get->add_option("-o,--output", ftp_options.file, "write the file here instead of stdout");
    add_ftp_common(ftp_get);
    auto* ftp_put = ftp->add_subcommand("put", "upload a file (to a URL ending in /: under its own name)");
    ftp_put->add_option("file", ftp_options.file, "the local file")->required();
    ftp_put->add_option("url", ftp_options.url, "ftp://[user[:password]@]host[:port]/path or …/directory/")->required();
    add_ftp_common(ftp_put);
    auto* ftp_ls = ftp->add_subcommand("ls", "list a directory (LIST)");
    ftp_ls->add_option("url", ftp_options.url, "ftp://[user[:password]@]host[:port]/directory/")->required();
    add_ftp_common(ftp_ls);

    auto* mail = app.add_subcommand("mail", "a user agent's mail: send through the sender's domain's server (SMTP), "
                                            "or fetch a mailbox (POP3)");
    mail->require_subcommand(1);
    emu::host::MailSendOptions send_options;
    auto* mail_send = mail->add_subcommand(
        "send", "send a message: its domain's mail server found by MX (resolv.conf), one SMTP session, exit 0 when it "
                "took the message (250)");
    mail_send->add_option("--from", send_options.from, "the sender, alice@a.example")->required();
    mail_send->add_option("--to", send_options.to, "a recipient (repeat for more)")->required();
    mail_send->add_option("--subject", send_options.subject, "the Subject line")->capture_default_str();
    auto* body_option = mail_send->add_option("--body", send_options.body, "the text (default: read from stdin)");
    mail_send->add_option("--server", send_options.server, "this SMTP server instead of the sender's domain's MX");
    mail_send->add_flag("-v,--verbose", send_options.verbose, "print the MX lookup and the SMTP dialogue (to stderr)");
    mail_send->add_option("-t,--timeout", send_options.timeout_seconds, "give up after this many seconds")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 3600.0));
    emu::host::MailFetchOptions fetch_options;
    auto* mail_fetch = mail->add_subcommand(
        "fetch", "read a mailbox over POP3: every message printed, then deleted from the server unless --keep");
    mail_fetch->add_option("--user", fetch_options.user, "the mailbox, bob@b.example (its server: the domain's MX)")->required();
    mail_fetch->add_option("--password", fetch_options.password, "its password")->required();
    mail_fetch->add_option("--server", fetch_options.server, "this POP3 server instead of the domain's MX");
    mail_fetch->add_flag("--keep", fetch_options.keep, "leave the messages on the server (no DELE)");
    mail_fetch->add_flag("-v,--verbose", fetch_options.verbose, "print the POP3 dialogue (to stderr)");
    mail_fetch->add_option("-t,--timeout", fetch_options.timeout_seconds, "give up after this many seconds")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 3600.0));

    CLI11_PARSE(app, argc, argv);
    if (*mail_send) {
        send_options.body_given = body_option->count() > 0;
        return emu::host::run_mail_send(send_options);
    }
    if (*mail_fetch) return emu::host::run_mail_fetch(fetch_options);
    if (*ftp) {
        ftp_options.action = *ftp_get ? "get" : *ftp_put ? "put" : "ls";
        return emu::host::run_ftp(ftp_options);
    }
    if (*ping) {
        if (ping_count > 0) ping_options.count = ping_count;
        if (ping_deadline > 0) ping_options.deadline_seconds = ping_deadline;
        return emu::host::run_ping(ping_options, std::cout);
    }
    if (*traceroute) {
        if (trace_icmp) trace_options.protocol = emu::host::ProbeProtocol::icmp_echo;
        if (trace_options.first_ttl > trace_options.max_ttl) {
            std::cerr << "emu-host traceroute: the first TTL (-f) is past the last (-m)\n";
            return 2;
        }
        // One port more for every probe: the last must still be a port.
        const long last_port = static_cast<long>(trace_options.port) +
                               static_cast<long>(trace_options.max_ttl - trace_options.first_ttl + 1) * trace_options.queries - 1;
        if (trace_options.protocol == emu::host::ProbeProtocol::udp && last_port > 65535) {
            std::cerr << "emu-host traceroute: probes from port " << trace_options.port << " would pass 65535; start lower (-p)\n";
            return 2;
        }
        return emu::host::run_traceroute(trace_options, std::cout);
    }
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
