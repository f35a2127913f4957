#include "nodes/host/mail_command.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lib/util/files.hpp"
#include "lib/wire/dot_stuffing.hpp"
#include "lib/wire/mail_date.hpp"
#include "nodes/host/pop3_fetch.hpp"
#include "nodes/host/run_session.hpp"
#include "nodes/maild/mail_sender.hpp"

namespace emu::host {
namespace {

std::chrono::milliseconds milliseconds_of(double seconds) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(seconds));
}

// The name EHLO gives (RFC 5321 §4.1.1.1 asks for the client's full name): the node's name,
// in the first search domain of its resolv.conf when it has no domain of its own.
std::string client_name(const ResolverConfig& resolver) {
    char name[256] = {};
    std::string host = ::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0' ? std::string(name) : "localhost";
    if (host.find('.') == std::string::npos && !resolver.search.empty()) {
        auto domain = resolver.search.front().to_string();
        if (domain.ends_with('.')) domain.pop_back();
        host += "." + domain;
    }
    return host;
}

}  // namespace

int run_mail_send(const MailSendOptions& options) {
    auto domain = mail::domain_of(options.from);
    if (domain.empty() && options.server.empty()) {
        std::cerr << "emu-host: --from " << options.from << " has no domain to find its mail server by\n";
        return 2;
    }
    std::string body = options.body;
    if (!options.body_given) body.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    auto now = std::time(nullptr);
    auto resolver = parse_resolv_conf(util::read_file("/etc/resolv.conf").value_or(""));
    auto name = client_name(resolver);
    auto message = fmt::format("From: <{}>\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}.{}@{}>\r\n"
                               "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
                               options.from, fmt::format("<{}>", fmt::join(options.to, ">, <")), options.subject,
                               wire::mail_date(now), now, ::getpid(), name) +
                   wire::with_crlf_line_ends(body);
    // RFC 5322 §2.1: the body's last line is ended too.
    if (!body.empty() && !message.ends_with("\r\n")) message += "\r\n";
    auto transcript = [&](const std::string& line) {
        if (options.verbose) std::cerr << line << '\n';
    };
    mail::SendResult result;
    mail::Envelope envelope{options.from, options.to};
    asio::io_context io;
    auto session = [&]() -> asio::awaitable<void> {
        if (!options.server.empty()) {
            result = co_await mail::send_to_host(io, resolver, options.server, 25, name, envelope, message,
                                                 milliseconds_of(options.timeout_seconds), transcript);
        } else {
            result = co_await mail::send_to_domain(io, resolver, domain, name, envelope, message,
                                                   milliseconds_of(options.timeout_seconds), transcript);
        }
    };
    if (!run_session(io, session(), options.from)) return 1;
    for (const auto& [recipient, reply] : result.refused) {
        std::cerr << fmt::format("emu-host: {} refused <{}>: {} {}\n", result.server, recipient, reply.code,
                                 reply.lines.empty() ? "" : reply.lines.back());
    }
    if (result.outcome != mail::SmtpClient::Outcome::delivered) {
        std::cerr << "emu-host: not sent: " << result.failure << '\n';
        return 1;
    }
    if (options.verbose) std::cerr << fmt::format("* {} bytes taken by {}\n", message.size(), result.server);
    return result.refused.empty() ? 0 : 1;
}

int run_mail_fetch(const MailFetchOptions& options) {
    auto at = options.user.rfind('@');
    auto mailbox = options.user.substr(0, at);
    auto domain = at == std::string::npos ? std::string() : mail::domain_of(options.user);
    if (options.server.empty() && domain.empty()) {
        std::cerr << "emu-host: --user " << options.user << " names no domain: give it as bob@b.example, or --server\n";
        return 2;
    }
    auto resolver = parse_resolv_conf(util::read_file("/etc/resolv.conf").value_or(""));
    auto transcript = [&](const std::string& line) {
        if (options.verbose) std::cerr << line << '\n';
    };
    Pop3Fetch fetch;
    asio::io_context io;
    auto session = [&]() -> asio::awaitable<void> {
        auto server = options.server;
        if (server.empty()) {
            // The user's mail server: the best exchanger of the mailbox's domain.
            bool no_such_domain = false;
            auto hosts = co_await mail::mail_exchangers(io, resolver, domain, no_such_domain);
            if (hosts.empty()) throw std::runtime_error(domain + ": no such domain (NXDOMAIN)");
            server = hosts.front();
            transcript(fmt::format("* MX of {}: {}", domain, fmt::join(hosts, ", ")));
        }
        fetch = co_await pop3_fetch(io, resolver, server, mailbox, options.password, options.keep,
                                    milliseconds_of(options.timeout_seconds), transcript);
    };
    if (!run_session(io, session(), options.user)) return 1;
    for (std::size_t i = 0; i < fetch.messages.size(); ++i) {
        const auto& message = fetch.messages[i];
        std::cout << fmt::format("--- message {} of {} ({} bytes)\n", i + 1, fetch.messages.size(), message.size());
        std::string text;
        for (std::size_t c = 0; c < message.size(); ++c) {
            if (message[c] == '\r' && c + 1 < message.size() && message[c + 1] == '\n') continue;
            text += message[c];
        }
        std::cout << text;
    }
    std::cout.flush();
    std::cerr << fmt::format("{} message{} from {}{}\n", fetch.messages.size(), fetch.messages.size() == 1 ? "" : "s", fetch.server,
                             fetch.deleted ? ", deleted from the server" : "");
    return 0;
}

}  // namespace emu::host
