#pragma once

#include <filesystem>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

#include <tl/expected.hpp>

#include "nodes/maild/envelope.hpp"
#include "nodes/maild/mail_config.hpp"
#include "nodes/maild/maildir.hpp"

namespace emu::mail {

/// A message waiting to be relayed to another domain.
struct QueuedMessage {
    Maildir::Message file;
    Envelope envelope;
    std::int64_t queued_at = 0;  ///< Unix time of its first queueing
    std::string content;
};

/// Every user's mailbox, a Maildir under `<data>/mail/<user>`, and which of them a POP3
/// session holds: RFC 1939 §8 gives a session the maildrop to itself until it ends. And the
/// relay queue, `<data>/queue`, kept the same way: a message acknowledged with 250 for
/// another domain is on disk before the 250, and survives a crash until it is passed on.
class MailStore {
public:
    /// Opens (or makes) each user's Maildir; throws std::system_error when one cannot be.
    MailStore(const MailConfig& config, const std::filesystem::path& data_directory);

    /// Stores a message in `user`'s mailbox, durably; its unique name.
    tl::expected<std::string, std::error_code> deliver(const std::string& user, std::string_view message);
    Maildir& mailbox(const std::string& user) { return mailboxes_.at(user); }

    /// Queues a message for relaying, durably; `queued_at` says since when it waits.
    tl::expected<std::string, std::error_code> enqueue(const Envelope& envelope, std::string_view message,
                                                       std::int64_t queued_at);
    /// Every queued message, oldest first; one whose envelope cannot be read is skipped.
    tl::expected<std::vector<QueuedMessage>, std::error_code> queued() const;
    std::error_code dequeue(const QueuedMessage& message) { return queue_->remove(message.file); }

    /// Takes `user`'s maildrop for a POP3 session; false when another session has it.
    bool lock(const std::string& user) { return locked_.insert(user).second; }
    void unlock(const std::string& user) { locked_.erase(user); }

private:
    std::map<std::string, Maildir> mailboxes_;
    std::optional<Maildir> queue_;
    std::set<std::string> locked_;
};

}  // namespace emu::mail
