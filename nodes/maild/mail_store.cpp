#include "nodes/maild/mail_store.hpp"

#include <nlohmann/json.hpp>

namespace emu::mail {

MailStore::MailStore(const MailConfig& config, const std::filesystem::path& data_directory) {
    for (const auto& [user, password] : config.users) {
        auto box = Maildir::open(data_directory / "mail" / user, config.hostname);
        if (!box) throw std::system_error(box.error(), "mailbox of " + user);
        mailboxes_.emplace(user, std::move(*box));
    }
    auto queue = Maildir::open(data_directory / "queue", config.hostname);
    if (!queue) throw std::system_error(queue.error(), "the relay queue");
    queue_.emplace(std::move(*queue));
}

// A queued file: the envelope as one line of JSON, then the message as it will be sent.
tl::expected<std::string, std::error_code> MailStore::enqueue(const Envelope& envelope, std::string_view message,
                                                              std::int64_t queued_at) {
    nlohmann::json head = {{"from", envelope.from}, {"to", envelope.to}, {"queued_at", queued_at}};
    auto text = head.dump() + "\n";
    text.append(message);
    return queue_->deliver(text);
}

std::optional<QueuedMessage> MailStore::read_queued(const Maildir::Message& file) const {
    auto text = queue_->read(file);
    if (!text) return std::nullopt;
    auto end = text->find('\n');
    if (end == std::string::npos) return std::nullopt;
    auto head = nlohmann::json::parse(text->substr(0, end), nullptr, false);
    if (!head.is_object() || !head.contains("to") || !head["to"].is_array()) return std::nullopt;
    QueuedMessage message;
    message.file = file;
    message.envelope.from = head.value("from", "");
    for (const auto& to : head["to"]) {
        if (to.is_string()) message.envelope.to.push_back(to.get<std::string>());
    }
    message.queued_at = head.value("queued_at", std::int64_t{0});
    message.content = text->substr(end + 1);
    if (message.envelope.to.empty()) return std::nullopt;
    return message;
}

tl::expected<std::string, std::error_code> MailStore::deliver(const std::string& user, std::string_view message) {
    auto it = mailboxes_.find(user);
    if (it == mailboxes_.end()) return tl::make_unexpected(std::make_error_code(std::errc::no_such_file_or_directory));
    return it->second.deliver(message);
}

}  // namespace emu::mail
