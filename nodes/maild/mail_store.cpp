#include "nodes/maild/mail_store.hpp"

namespace emu::mail {

MailStore::MailStore(const MailConfig& config, const std::filesystem::path& data_directory) {
    for (const auto& [user, password] : config.users) {
        auto box = Maildir::open(data_directory / "mail" / user, config.hostname);
        if (!box) throw std::system_error(box.error(), "mailbox of " + user);
        mailboxes_.emplace(user, std::move(*box));
    }
}

tl::expected<std::string, std::error_code> MailStore::deliver(const std::string& user, std::string_view message) {
    auto it = mailboxes_.find(user);
    if (it == mailboxes_.end()) return tl::make_unexpected(std::make_error_code(std::errc::no_such_file_or_directory));
    return it->second.deliver(message);
}

}  // namespace emu::mail
