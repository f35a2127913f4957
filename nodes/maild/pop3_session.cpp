#include "nodes/maild/pop3_session.hpp"

#include <charconv>

#include <fmt/format.h>

namespace emu::mail {
namespace {

wire::Pop3Response ok(std::string text, std::optional<std::string> body = std::nullopt) {
    return {wire::Pop3Status::ok, std::move(text), std::move(body)};
}

Pop3Outcome one(wire::Pop3Response response) {
    Pop3Outcome outcome;
    outcome.responses.push_back(std::move(response));
    return outcome;
}

Pop3Outcome error(std::string text) { return one({wire::Pop3Status::error, std::move(text), std::nullopt}); }

// TOP's answer (RFC 1939 §7): the header, the blank line after it, and the body's first
// `lines` lines.
std::string top_of(const std::string& message, std::uint64_t lines) {
    auto blank = message.find("\r\n\r\n");
    if (blank == std::string::npos) return message;
    std::size_t end = blank + 4;
    for (std::uint64_t line = 0; line < lines && end < message.size(); ++line) {
        auto next = message.find('\n', end);
        end = next == std::string::npos ? message.size() : next + 1;
    }
    return message.substr(0, end);
}

}  // namespace

Pop3Session::Pop3Session(const MailConfig& config, MailStore& store, wire::IpAddress peer)
    : config_(config), store_(store), peer_(peer) {}

Pop3Session::~Pop3Session() {
    if (holds_lock_) store_.unlock(user_);
}

wire::Pop3Response Pop3Session::greeting() const { return ok("emu-maild POP3 ready on " + config_.hostname); }

Pop3Outcome Pop3Session::on_command(const wire::Pop3Command& command) {
    if (command.verb == "CAPA") {
        // RFC 2449 §5. No SASL line: a client then logs in with USER and PASS.
        return one(ok("Capability list follows",
                      "USER\r\nUIDL\r\nTOP\r\nRESP-CODES\r\nPIPELINING\r\nIMPLEMENTATION emu-maild\r\n"));
    }
    if (command.verb == "NOOP") return state_ == State::transaction ? one(ok("")) : error("Log in first");
    if (command.verb == "QUIT") {
        if (state_ == State::transaction) return update();
        auto outcome = one(ok("emu-maild POP3 signing off"));
        outcome.close = true;
        return outcome;
    }
    return state_ == State::authorization ? authorization(command) : transaction(command);
}

Pop3Outcome Pop3Session::authorization(const wire::Pop3Command& command) {
    if (command.verb == "USER") {
        if (command.argument.empty()) return error("USER needs a name");
        user_ = wire::lower_ascii(command.argument);
        user_given_ = true;
        // The same answer whether or not the mailbox exists: replies must not tell.
        return one(ok("Send the password for " + command.argument));
    }
    if (command.verb == "PASS") {
        if (!user_given_) return error("USER first");
        user_given_ = false;
        auto account = config_.users.find(user_);
        if (account == config_.users.end() || account->second != command.argument) {
            // RFC 3206 §4: [AUTH] says the credentials, not the server, were at fault.
            auto outcome = error("[AUTH] Invalid login");
            outcome.log.push_back({"pop3.login_failed", fmt::format("user={} from={} attempt={}", user_, peer_.to_string(),
                                                                   ++failed_logins_)});
            outcome.close = failed_logins_ >= kMaximumFailedLogins;
            return outcome;
        }
        if (!store_.lock(user_)) {
            // RFC 1939 §8, RFC 2449 §8.1.2: another session has the maildrop.
            auto outcome = error("[IN-USE] Another session has " + user_ + "'s maildrop");
            outcome.log.push_back({"pop3.in_use", fmt::format("user={} from={}", user_, peer_.to_string())});
            return outcome;
        }
        holds_lock_ = true;
        auto listed = store_.mailbox(user_).messages();
        if (!listed) {
            store_.unlock(user_);
            holds_lock_ = false;
            return error("[SYS/TEMP] Cannot read the maildrop: " + listed.error().message());
        }
        messages_.clear();
        std::uint64_t octets = 0;
        for (auto& message : *listed) {
            octets += message.size;
            messages_.push_back({std::move(message), false});
        }
        state_ = State::transaction;
        auto outcome = one(ok(fmt::format("{} has {} messages ({} octets)", user_, messages_.size(), octets)));
        outcome.log.push_back({"pop3.login", fmt::format("user={} from={} messages={}", user_, peer_.to_string(), messages_.size())});
        return outcome;
    }
    if (command.verb == "APOP" || command.verb == "AUTH") return error("Not supported: log in with USER and PASS");
    return error("Log in first, with USER and PASS");
}

Pop3Session::Entry* Pop3Session::message_at(const std::string& argument, Pop3Outcome& failure) {
    std::size_t number = 0;
    auto [end, parse_error] = std::from_chars(argument.data(), argument.data() + argument.size(), number);
    if (parse_error != std::errc() || end != argument.data() + argument.size() || number == 0 || number > messages_.size()) {
        failure = error("No such message: " + argument);
        return nullptr;
    }
    auto& entry = messages_[number - 1];
    if (entry.deleted) {
        failure = error(fmt::format("Message {} is deleted", number));
        return nullptr;
    }
    return &entry;
}

std::optional<std::string> Pop3Session::read(const Entry& entry, Pop3Outcome& failure) {
    auto text = store_.mailbox(user_).read(entry.message);
    if (!text) {
        failure = error("[SYS/TEMP] Cannot read the message: " + text.error().message());
        return std::nullopt;
    }
    return std::move(*text);
}

Pop3Outcome Pop3Session::transaction(const wire::Pop3Command& command) {
    const auto& verb = command.verb;
    auto arguments = command.arguments();
    std::size_t count = 0;
    std::uint64_t octets = 0;
    for (const auto& entry : messages_) {
        if (entry.deleted) continue;
        ++count;
        octets += entry.message.size;
    }
    Pop3Outcome failure;
    if (verb == "STAT") return one(ok(fmt::format("{} {}", count, octets)));
    if (verb == "LIST" || verb == "UIDL") {
        auto line = [&](std::size_t i) {
            const auto& message = messages_[i].message;
            return verb == "LIST" ? fmt::format("{} {}", i + 1, message.size) : fmt::format("{} {}", i + 1, message.unique);
        };
        if (arguments.size() == 1) {
            auto* entry = message_at(arguments[0], failure);
            if (entry == nullptr) return failure;
            return one(ok(line(static_cast<std::size_t>(entry - messages_.data()))));
        }
        if (!arguments.empty()) return error(verb + " takes at most a message number");
        std::string body;
        for (std::size_t i = 0; i < messages_.size(); ++i) {
            if (!messages_[i].deleted) body += line(i) + "\r\n";
        }
        return one(ok(verb == "LIST" ? fmt::format("{} messages ({} octets)", count, octets) : "Unique ids follow", body));
    }
    if (verb == "RETR" || verb == "TOP") {
        if (arguments.size() != (verb == "RETR" ? 1u : 2u)) return error(verb == "RETR" ? "RETR takes a message number" : "TOP takes a message number and a line count");
        auto* entry = message_at(arguments[0], failure);
        if (entry == nullptr) return failure;
        std::uint64_t lines = 0;
        if (verb == "TOP") {
            const auto& text = arguments[1];
            auto [end, parse_error] = std::from_chars(text.data(), text.data() + text.size(), lines);
            if (parse_error != std::errc() || end != text.data() + text.size()) return error("TOP's line count is a number");
        }
        auto text = read(*entry, failure);
        if (!text) return failure;
        if (verb == "TOP") return one(ok("Top of message follows", top_of(*text, lines)));
        return one(ok(fmt::format("{} octets", entry->message.size), std::move(*text)));
    }
    if (verb == "DELE") {
        if (arguments.size() != 1) return error("DELE takes a message number");
        auto* entry = message_at(arguments[0], failure);
        if (entry == nullptr) return failure;
        entry->deleted = true;
        return one(ok("Marked to be deleted at QUIT"));
    }
    if (verb == "RSET") {
        for (auto& entry : messages_) entry.deleted = false;
        return one(ok(fmt::format("{} messages ({} octets)", messages_.size(), [&] {
            std::uint64_t all = 0;
            for (const auto& entry : messages_) all += entry.message.size;
            return all;
        }())));
    }
    if (verb == "USER" || verb == "PASS") return error("Already logged in");
    return error("Unknown command " + verb);
}

Pop3Outcome Pop3Session::update() {
    // RFC 1939 §6: only now are the messages marked by DELE removed.
    std::size_t removed = 0, failed = 0;
    for (const auto& entry : messages_) {
        if (!entry.deleted) continue;
        if (store_.mailbox(user_).remove(entry.message)) {
            ++failed;
        } else {
            ++removed;
        }
    }
    std::size_t left = messages_.size() - removed;
    Pop3Outcome outcome = failed == 0 ? one(ok(fmt::format("emu-maild POP3 signing off ({} messages left)", left)))
                                      : error(fmt::format("[SYS/TEMP] {} messages could not be removed", failed));
    outcome.log.push_back({"pop3.update", fmt::format("user={} removed={} left={}", user_, removed, left)});
    outcome.close = true;
    messages_.clear();
    store_.unlock(user_);
    holds_lock_ = false;
    return outcome;
}

Pop3Outcome Pop3Session::on_malformed(const std::string& why, bool fatal) {
    auto outcome = error("Syntax error: " + why);
    if (fatal) {
        outcome.close = true;
        outcome.log.push_back({"pop3.line_refused", fmt::format("from={}: {}", peer_.to_string(), why)});
    }
    return outcome;
}

Pop3Outcome Pop3Session::on_idle_timeout() {
    auto outcome = error("Idle for too long; closing without deleting anything");
    outcome.close = true;
    outcome.log.push_back({"pop3.idle_timeout", fmt::format("user={} from={}", user_, peer_.to_string())});
    return outcome;
}

}  // namespace emu::mail
