#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "lib/net/asio.hpp"
#include "nodes/host/stub_resolver.hpp"
#include "nodes/maild/smtp_client.hpp"

namespace emu::mail {

/// How one attempt to hand a message over went.
struct SendResult {
    SmtpClient::Outcome outcome = SmtpClient::Outcome::temporary_failure;
    std::string server;   ///< who took it, or the last one tried: "mail.b.example (10.0.2.25)"
    std::string failure;  ///< why not, for a failure
    std::vector<std::pair<std::string, wire::SmtpReply>> refused;  ///< recipients refused while others were taken
};

/// What a transcript line is, for -v and the relay's log.
using Transcript = std::function<void(const std::string&)>;

/// The mail exchangers of `domain`, best first (RFC 5321 §5.1): its MX records by
/// preference, or the domain itself when it has none (the implicit MX). Empty with
/// `no_such_domain` when the name does not exist (NXDOMAIN) or says it takes no mail (a
/// null MX, RFC 7505): a permanent failure. Throws
/// std::runtime_error when no DNS server answered (a temporary one).
asio::awaitable<std::vector<std::string>> mail_exchangers(asio::io_context& io, const host::ResolverConfig& resolver,
                                                          const std::string& domain, bool& no_such_domain);

/// Hands `message` to the SMTP server at `host` (a name, through `resolver`, or an address),
/// port 25: one SmtpClient session with a deadline of `timeout`.
asio::awaitable<SendResult> send_to_host(asio::io_context& io, const host::ResolverConfig& resolver, const std::string& host,
                                         std::uint16_t port, const std::string& client_name, const Envelope& envelope,
                                         const std::string& message, std::chrono::milliseconds timeout,
                                         const Transcript& transcript);

/// Hands `message` to `domain`'s mail exchangers, each in turn until one takes it or refuses
/// it for good (RFC 5321 §5.1: a temporary failure moves on to the next).
asio::awaitable<SendResult> send_to_domain(asio::io_context& io, const host::ResolverConfig& resolver, const std::string& domain,
                                           const std::string& client_name, const Envelope& envelope, const std::string& message,
                                           std::chrono::milliseconds timeout, const Transcript& transcript);

/// The domain of an address ("b.example" of "bob@b.example"), lower case; "" without one.
std::string domain_of(const std::string& address);

}  // namespace emu::mail
