// emu-maild: the mail server of an emu lab node, SMTP (port 25) and, when asked, POP3
// (port 110) over the same mailboxes. emud starts it inside the node with the settings it
// wrote from the node's `services: smtp:` and `pop3:` (docs/mail.md).
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "nodes/common/batched_log.hpp"
#include "nodes/common/node_program.hpp"
#include "lib/util/files.hpp"
#include "nodes/maild/pop3_server.hpp"
#include "nodes/maild/relay_agent.hpp"
#include "nodes/maild/smtp_server.hpp"

namespace {

// SMTP's loop is the one run_until_stopped watches; POP3's and the relay's, beside it, stop
// the program the same way when they fail: logged, and the exit status non-zero so that the
// lab restarts it.
emu::asio::awaitable<void> serve(emu::asio::io_context& io, emu::mail::SmtpServer& smtp, emu::mail::Pop3Server* pop3,
                                 emu::mail::RelayAgent& relay, bool& side_failed) {
    auto watch = [&side_failed, &io](const char* event) {
        return [&side_failed, &io, event](std::exception_ptr failure) {
            if (!failure) return;
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& error) {
                spdlog::error("{}: {}", event, error.what());
            }
            side_failed = true;
            io.stop();
        };
    };
    if (pop3 != nullptr) emu::asio::co_spawn(io, pop3->run(), watch("maild.pop3_failed"));
    emu::asio::co_spawn(io, relay.run(), watch("maild.relay_failed"));
    co_await smtp.run();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"emu-maild: a mail server (SMTP, RFC 5321; POP3, RFC 1939) for emu labs: mail for its own domains "
                 "stored in its users' Maildirs, mail from its own networks for other domains relayed to their MX, "
                 "on ports 25 and 110 of every address of its node."};
    std::string config_path, data_directory = ".";
    app.add_option("-c,--config", config_path, "the configuration file (JSON, as emud writes it)")->required();
    app.add_option("-d,--data", data_directory, "where the mailboxes live")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    spdlog::set_pattern(emu::node::kLogPattern);

    emu::mail::MailConfig config;
    try {
        config = emu::mail::read_mail_config(emu::node::read_json_config(config_path));
    } catch (const std::exception& error) {
        std::cerr << "emu-maild: configuration " << config_path << ": " << error.what() << '\n';
        return 2;
    }
    if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    try {
        emu::mail::MailStore store(config, data_directory);
        emu::asio::io_context io;
        auto log = emu::node::use_batched_log(io);
        // The relay finds other domains' MX through the node's resolv.conf (its `nameservers`).
        auto resolver = emu::host::parse_resolv_conf(emu::util::read_file("/etc/resolv.conf").value_or(""));
        emu::mail::RelayAgent relay(io, config, store, resolver);
        emu::mail::SmtpServer smtp(io, config, store, [&relay] { relay.wake(); });
        std::optional<emu::mail::Pop3Server> pop3;
        if (config.pop3) pop3.emplace(io, config, store);
        spdlog::info("maild.start hostname={} domains={} users={} smtp_port={} pop3_port={}", config.hostname,
                     fmt::join(config.domains, ","), config.users.size(), config.smtp_port,
                     config.pop3 ? std::to_string(config.pop3_port) : "-");
        bool side_failed = false;
        bool stopped_cleanly =
            emu::node::run_until_stopped(io, serve(io, smtp, pop3 ? &*pop3 : nullptr, relay, side_failed), "maild.failed");
        log->detach();
        return stopped_cleanly && !side_failed ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-maild: " << error.what() << '\n';
        return 1;
    }
}
