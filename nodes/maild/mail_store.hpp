#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

#include <tl/expected.hpp>

#include "nodes/maild/mail_config.hpp"
#include "nodes/maild/maildir.hpp"

namespace emu::mail {

/// Every user's mailbox, a Maildir under `<data>/mail/<user>`, and which of them a POP3
/// session holds: RFC 1939 §8 gives a session the maildrop to itself until it ends.
class MailStore {
public:
    /// Opens (or makes) each user's Maildir; throws std::system_error when one cannot be.
    MailStore(const MailConfig& config, const std::filesystem::path& data_directory);

    /// Stores a message in `user`'s mailbox, durably; its unique name.
    tl::expected<std::string, std::error_code> deliver(const std::string& user, std::string_view message);
    Maildir& mailbox(const std::string& user) { return mailboxes_.at(user); }

    /// Takes `user`'s maildrop for a POP3 session; false when another session has it.
    bool lock(const std::string& user) { return locked_.insert(user).second; }
    void unlock(const std::string& user) { locked_.erase(user); }

private:
    std::map<std::string, Maildir> mailboxes_;
    std::set<std::string> locked_;
};

}  // namespace emu::mail
