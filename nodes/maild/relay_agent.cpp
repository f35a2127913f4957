#include "nodes/maild/relay_agent.hpp"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "lib/wire/text_line.hpp"
#include "nodes/maild/bounce.hpp"
#include "nodes/maild/mail_sender.hpp"

namespace emu::mail {
namespace {

// One session to hand a message over: RFC 5321 §4.5.3.2 gives a client up to 5 min for a
// reply and 10 for the last one; 5 min in all is enough for the labs' sizes (64 MB at most).
constexpr auto kSessionTimeout = std::chrono::minutes(5);
constexpr std::int64_t kFirstRetry = 5;
constexpr std::int64_t kLongestRetry = 300;
constexpr std::int64_t kIdleLook = 300;  ///< with nothing due, the queue is looked at again after this

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

RelayAgent::RelayAgent(asio::io_context& io, const MailConfig& config, MailStore& store, host::ResolverConfig resolver)
    : io_(io), config_(config), store_(store), resolver_(std::move(resolver)), timer_(io) {}

asio::awaitable<void> RelayAgent::run() {
    while (true) {
        woken_ = false;
        auto now = unix_now();
        auto next_look = now + kIdleLook;
        auto queued = store_.queued();
        if (!queued) {
            spdlog::warn("relay.queue_unreadable {}", queued.error().message());
        } else {
            for (const auto& file : *queued) {
                // Only a message that is due is read; the others wait their turn unread.
                auto retry = retries_.find(file.unique);
                if (retry != retries_.end() && retry->second.next_at > now) continue;
                auto message = store_.read_queued(file);
                if (!message) {
                    spdlog::warn("relay.unreadable id={}: no envelope; left in the queue", file.unique);
                    continue;
                }
                co_await attempt(*message, now);
            }
            for (const auto& [unique, retry] : retries_) {
                if (retry.next_at > now) next_look = std::min(next_look, retry.next_at);
            }
        }
        // Woken early (the timer cancelled) when a message is queued; one queued during the
        // pass is looked at at once.
        if (woken_) continue;
        timer_.expires_after(std::chrono::seconds(std::max<std::int64_t>(1, next_look - unix_now())));
        boost::system::error_code ignored;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
}

asio::awaitable<void> RelayAgent::attempt(const QueuedMessage& message, std::int64_t now) {
    std::map<std::string, std::vector<std::string>> by_domain;
    for (const auto& to : message.envelope.to) by_domain[domain_of(to)].push_back(to);
    std::vector<std::string> remaining;
    std::vector<std::pair<std::string, std::string>> failures;
    auto quiet = [](const std::string&) {};
    for (const auto& [domain, recipients] : by_domain) {
        Envelope envelope{message.envelope.from, recipients};
        auto result = co_await send_to_domain(io_, resolver_, domain, config_.hostname, envelope, message.content,
                                              kSessionTimeout, quiet);
        using Outcome = SmtpClient::Outcome;
        if (result.outcome == Outcome::delivered) {
            std::vector<std::string> taken;
            for (const auto& recipient : recipients) {
                auto refused = std::find_if(result.refused.begin(), result.refused.end(),
                                            [&](const auto& r) { return r.first == recipient; });
                if (refused == result.refused.end()) {
                    taken.push_back(recipient);
                } else if (refused->second.code >= 500) {
                    failures.emplace_back(recipient, fmt::format("{}: RCPT TO:<{}>: {} {}", result.server, recipient,
                                                                 refused->second.code,
                                                                 refused->second.lines.empty() ? "" : refused->second.lines.back()));
                } else {
                    remaining.push_back(recipient);
                }
            }
            spdlog::info("relay.sent id={} sender=<{}> recipients=<{}> via={}", message.file.unique, message.envelope.from,
                         fmt::join(taken, ">,<"), result.server);
        } else if (result.outcome == Outcome::permanent_failure) {
            auto why = result.server.empty() ? result.failure : result.server + ": " + result.failure;
            for (const auto& recipient : recipients) failures.emplace_back(recipient, why);
            spdlog::info("relay.refused id={} recipients=<{}> via={}: {}", message.file.unique, fmt::join(recipients, ">,<"),
                         result.server, result.failure);
        } else {
            remaining.insert(remaining.end(), recipients.begin(), recipients.end());
            spdlog::info("relay.deferred id={} recipients=<{}> via={}: {}", message.file.unique, fmt::join(recipients, ">,<"),
                         result.server, result.failure);
        }
    }
    // Past its lifetime, what still fails is returned (RFC 5321 §4.5.4.1 leaves the time to us).
    if (!remaining.empty() && now - message.queued_at >= config_.queue_lifetime.count()) {
        for (const auto& recipient : remaining) {
            failures.emplace_back(recipient, fmt::format("not delivered within {} s; the last attempt failed",
                                                         config_.queue_lifetime.count()));
        }
        remaining.clear();
    }
    if (!failures.empty()) bounce(message, failures, now);
    auto previous = retries_[message.file.unique].attempts;
    retries_.erase(message.file.unique);
    if (remaining.empty()) {
        store_.dequeue(message.file);
        co_return;
    }
    auto unique = message.file.unique;
    if (remaining.size() != message.envelope.to.size()) {
        // Some were taken or returned: the queue keeps only the others, in a file of their own.
        auto requeued = store_.enqueue({message.envelope.from, remaining}, message.content, message.queued_at);
        if (requeued) {
            store_.dequeue(message.file);
            unique = *requeued;
        } else {
            // The old file stays, and all of its recipients are tried again: some twice.
            spdlog::warn("relay.requeue_failed id={}: {}", message.file.unique, requeued.error().message());
        }
    }
    auto& retry = retries_[unique];
    retry.attempts = previous + 1;
    retry.next_at = now + std::min(kLongestRetry, kFirstRetry << std::min(previous, 10));
}

void RelayAgent::bounce(const QueuedMessage& message, const std::vector<std::pair<std::string, std::string>>& failures,
                        std::int64_t now) {
    std::vector<std::string> recipients;
    for (const auto& failure : failures) recipients.push_back(failure.first);
    const auto& sender = message.envelope.from;
    if (sender.empty()) {
        // A bounce that cannot be delivered is dropped, never bounced (RFC 5321 §6.1).
        spdlog::info("relay.bounce_dropped id={} recipients=<{}>", message.file.unique, fmt::join(recipients, ">,<"));
        return;
    }
    auto text = bounce_message(config_.hostname, sender, failures, message.content, static_cast<std::time_t>(now));
    auto domain = domain_of(sender);
    auto local = wire::lower_ascii(sender.substr(0, sender.rfind('@')));
    bool ours = std::find(config_.domains.begin(), config_.domains.end(), domain) != config_.domains.end();
    if (ours && config_.users.contains(local)) {
        auto stored = store_.deliver(local, "Return-Path: <>\r\n" + text);
        spdlog::info("relay.bounced id={} recipients=<{}> to=<{}> {}", message.file.unique, fmt::join(recipients, ">,<"), sender,
                     stored ? "delivered" : "not stored: " + stored.error().message());
        return;
    }
    auto queued = store_.enqueue({"", {sender}}, text, now);
    spdlog::info("relay.bounced id={} recipients=<{}> to=<{}> {}", message.file.unique, fmt::join(recipients, ">,<"), sender,
                 queued ? "queued" : "not queued: " + queued.error().message());
}

}  // namespace emu::mail
