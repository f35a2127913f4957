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
    /// The relay queue's files, oldest first (listed, not read).
    tl::expected<std::vector<Maildir::Message>, std::error_code> queued() const { return queue_->messages(); }
    /// A queued file read whole: nullopt when it is gone or its envelope cannot be read.
    std::optional<QueuedMessage> read_queued(const Maildir::Message& file) const;
    std::error_code dequeue(const Maildir::Message& file) { return queue_->remove(file); }

    /// Takes `user`'s maildrop for a POP3 session; false when another session has it.
    bool lock(const std::string& user) { return locked_.insert(user).second; }
    void unlock(const std::string& user) { locked_.erase(user); }

private:
    std::map<std::string, Maildir> mailboxes_;
    std::optional<Maildir> queue_;
    std::set<std::string> locked_;
};

}  // namespace emu::mail
