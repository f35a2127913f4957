#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "lib/net/asio.hpp"
#include "nodes/host/stub_resolver.hpp"
#include "nodes/maild/mail_config.hpp"
#include "nodes/maild/mail_store.hpp"

namespace emu::mail {

/// emu-maild's relay: passes each queued message to its recipients' domains — MX lookup
/// through the node's resolv.conf, then SMTP to the best exchanger that answers (RFC 5321
/// §5.1) — and takes it off the queue once every recipient was taken or refused for good.
/// A temporary failure is retried after 5 s, then twice as long each time up to 5 min, for
/// `queue_lifetime`; a recipient refused for good, or still failing then, is reported to the
/// sender in a bounce (RFC 5321 §6.1). Woken at once when a message is queued.
class RelayAgent {
public:
    RelayAgent(asio::io_context& io, const MailConfig& config, MailStore& store, host::ResolverConfig resolver);

    /// A message was queued: look at the queue now (or, in the middle of a pass, once more
    /// right after it).
    void wake() {
        woken_ = true;
        timer_.cancel();
    }
    asio::awaitable<void> run();

private:
    struct Retry {
        int attempts = 0;
        std::int64_t next_at = 0;  ///< Unix time
    };
    asio::awaitable<void> attempt(const QueuedMessage& message, std::int64_t now);
    void bounce(const QueuedMessage& message, const std::vector<std::pair<std::string, std::string>>& failures,
                std::int64_t now);

    asio::io_context& io_;
    const MailConfig& config_;
    MailStore& store_;
    host::ResolverConfig resolver_;
    asio::steady_timer timer_;
    bool woken_ = false;
    std::map<std::string, Retry> retries_;  ///< by queue file's unique name
};

}  // namespace emu::mail
