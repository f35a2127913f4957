#include "nodes/maild/smtp_session.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lib/wire/mail_date.hpp"

namespace emu::mail {
namespace {

wire::SmtpReply reply(int code, std::string text) { return {code, {std::move(text)}}; }

// The Received lines of a message's header: one per server it has passed (RFC 5321 §4.4).
std::size_t received_lines(const std::string& content) {
    std::size_t count = 0, at = 0;
    while (at < content.size()) {
        auto end = content.find('\n', at);
        if (end == std::string::npos) end = content.size();
        auto line = std::string_view(content).substr(at, end - at);
        if (line.empty() || line == "\r") break;  // the header's end
        if (line.size() >= 9 && wire::upper_ascii(line.substr(0, 9)) == "RECEIVED:") ++count;
        at = end + 1;
    }
    return count;
}

// A quoted local part ("\"bob\"") names the same mailbox as the plain one when its content
// needs no quoting; a backslash quotes the next character (RFC 5321 §4.1.2).
std::string unquoted(const std::string& local_part) {
    if (local_part.size() < 2 || local_part.front() != '"') return local_part;
    std::string text;
    for (std::size_t i = 1; i + 1 < local_part.size(); ++i) {
        if (local_part[i] == '\\' && i + 2 < local_part.size()) ++i;
        text += local_part[i];
    }
    return text;
}

}  // namespace

SmtpSession::SmtpSession(const MailConfig& config, MailStore& store, wire::IpAddress peer)
    : config_(config), store_(store), peer_(peer) {
    may_relay_ = std::any_of(config.relay_from.begin(), config.relay_from.end(),
                             [&](const wire::IpPrefix& network) { return network.contains(peer); });
}

wire::SmtpReply SmtpSession::greeting() const { return reply(220, config_.hostname + " ESMTP emu-maild"); }

SmtpOutcome SmtpSession::refuse(int code, std::string text) {
    SmtpOutcome outcome;
    outcome.replies.push_back(reply(code, std::move(text)));
    // A client that keeps sending what cannot be understood is sent away.
    if (++errors_ >= kMaximumErrors) {
        outcome.replies.push_back(reply(421, config_.hostname + " Too many errors; closing the connection"));
        outcome.next = SmtpOutcome::Next::close;
        outcome.log.push_back({"smtp.too_many_errors", "from=" + peer_.to_string()});
    }
    return outcome;
}

SmtpOutcome SmtpSession::on_command(const wire::SmtpCommand& command, std::time_t) {
    const auto& verb = command.verb;
    SmtpOutcome outcome;
    if (verb == "EHLO" || verb == "HELO") return hello(command);
    if (verb == "MAIL") return mail_from(command.argument);
    if (verb == "RCPT") return rcpt_to(command.argument);
    if (verb == "DATA") return data();
    if (verb == "RSET") {
        reset();
        outcome.replies.push_back(reply(250, "OK"));
        return outcome;
    }
    if (verb == "NOOP") {
        outcome.replies.push_back(reply(250, "OK"));
        return outcome;
    }
    if (verb == "QUIT") {
        outcome.replies.push_back(reply(221, config_.hostname + " closing connection"));
        outcome.next = SmtpOutcome::Next::close;
        return outcome;
    }
    if (verb == "VRFY" || verb == "EXPN") {
        // RFC 5321 §7.3: answering them tells a harvester which mailboxes exist.
        outcome.replies.push_back(reply(502, verb + " is disabled"));
        outcome.log.push_back({"smtp.vrfy_refused", fmt::format("from={} {} {}", peer_.to_string(), verb, command.argument)});
        return outcome;
    }
    if (verb == "HELP") {
        outcome.replies.push_back(reply(214, "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT"));
        return outcome;
    }
    if (verb == "STARTTLS" || verb == "AUTH" || verb == "BDAT" || verb == "ETRN" || verb == "TURN" || verb == "SEND" ||
        verb == "SOML" || verb == "SAML") {
        return refuse(502, verb + " is not implemented");
    }
    return refuse(500, "Command unrecognized: " + verb);
}

SmtpOutcome SmtpSession::hello(const wire::SmtpCommand& command) {
    if (command.argument.empty()) return refuse(501, "Syntax: " + command.verb + " hostname");
    // RFC 5321 §4.1.4: EHLO or HELO again ends any transaction begun.
    reset();
    client_name_ = command.argument.substr(0, command.argument.find(' '));
    extended_ = command.verb == "EHLO";
    SmtpOutcome outcome;
    if (!extended_) {
        outcome.replies.push_back(reply(250, config_.hostname));
        return outcome;
    }
    // RFC 1870 §4: SIZE with the maximum; RFC 2920, RFC 6152.
    outcome.replies.push_back(wire::SmtpReply{250,
                                              {config_.hostname + " greets " + client_name_, "PIPELINING",
                                               fmt::format("SIZE {}", config_.maximum_size), "8BITMIME"}});
    return outcome;
}

SmtpOutcome SmtpSession::mail_from(const std::string& argument) {
    if (client_name_.empty()) return refuse(503, "Send EHLO or HELO first");
    if (in_transaction_) return refuse(503, "Nested MAIL command");
    auto parsed = wire::parse_mail_from(argument);
    if (!parsed) return refuse(501, "Syntax error in MAIL's argument: " + parsed.error().what);
    for (const auto& parameter : parsed->parameters) {
        if (parameter.keyword == "SIZE") {
            // RFC 1870 §6: a declared size over the maximum is refused at once.
            std::uint64_t size = 0;
            const auto& value = parameter.value;
            auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), size);
            if (error != std::errc() || end != value.data() + value.size()) return refuse(501, "SIZE takes a number of bytes");
            if (size > config_.maximum_size) {
                SmtpOutcome outcome;
                outcome.replies.push_back(reply(552, "Message size exceeds fixed maximum message size"));
                return outcome;
            }
        } else if (parameter.keyword == "BODY") {
            auto body = wire::upper_ascii(parameter.value);
            if (body != "7BIT" && body != "8BITMIME") return refuse(501, "BODY is 7BIT or 8BITMIME");
        } else {
            // RFC 5321 §4.1.1.11: a parameter the server does not know.
            return refuse(555, "MAIL parameter not recognized: " + parameter.keyword);
        }
    }
    in_transaction_ = true;
    reverse_path_ = parsed->mailbox ? parsed->mailbox->to_string() : "";
    SmtpOutcome outcome;
    outcome.replies.push_back(reply(250, "OK"));
    return outcome;
}

std::optional<std::string> SmtpSession::local_user(const wire::SmtpMailbox& mailbox, bool& unknown) const {
    unknown = false;
    auto domain = wire::lower_ascii(mailbox.domain);
    auto local = wire::lower_ascii(unquoted(mailbox.local_part));
    // "<Postmaster>" without a domain is always ours (RFC 5321 §4.5.1).
    if (domain.empty()) {
        if (local == "postmaster") return config_.postmaster;
        unknown = true;
        return std::nullopt;
    }
    if (std::find(config_.domains.begin(), config_.domains.end(), domain) == config_.domains.end()) return std::nullopt;
    if (config_.users.contains(local)) return local;
    if (local == "postmaster") return config_.postmaster;
    unknown = true;
    return std::nullopt;
}

SmtpOutcome SmtpSession::rcpt_to(const std::string& argument) {
    if (!in_transaction_) return refuse(503, "Need MAIL before RCPT");
    auto parsed = wire::parse_rcpt_to(argument);
    if (!parsed) return refuse(501, "Syntax error in RCPT's argument: " + parsed.error().what);
    if (!parsed->parameters.empty()) return refuse(555, "RCPT parameter not recognized: " + parsed->parameters[0].keyword);
    SmtpOutcome outcome;
    if (recipients_.size() + remote_recipients_.size() >= kMaximumRecipients) {
        outcome.replies.push_back(reply(452, "Too many recipients"));
        return outcome;
    }
    const auto& mailbox = *parsed->mailbox;
    bool unknown = false;
    auto user = local_user(mailbox, unknown);
    if (!user) {
        if (unknown) {
            outcome.replies.push_back(reply(550, "Mailbox unavailable: " + mailbox.to_string()));
            outcome.log.push_back({"smtp.unknown_recipient",
                                   fmt::format("from={} sender=<{}> recipient=<{}>", peer_.to_string(), reverse_path_, mailbox.to_string())});
            return outcome;
        }
        if (may_relay_ && !mailbox.domain.empty() && mailbox.domain.front() != '[') {
            // One of our own users' clients, writing elsewhere: queued for that domain's MX.
            remote_recipients_.push_back(mailbox.to_string());
            outcome.replies.push_back(reply(250, "OK, to be relayed"));
            return outcome;
        }
        // Not one of our domains: taking it would make this server an open relay.
        outcome.replies.push_back(reply(554, "Relay access denied: " + mailbox.to_string()));
        outcome.log.push_back({"smtp.relay_refused",
                               fmt::format("from={} sender=<{}> recipient=<{}>", peer_.to_string(), reverse_path_, mailbox.to_string())});
        return outcome;
    }
    recipients_.push_back(*user);
    recipient_addresses_.push_back(mailbox.to_string());
    outcome.replies.push_back(reply(250, "OK"));
    return outcome;
}

SmtpOutcome SmtpSession::data() {
    if (!in_transaction_) return refuse(503, "Need MAIL before DATA");
    // RFC 2920 §3.1: after pipelined recipients that were all refused, DATA is refused too.
    if (recipients_.empty() && remote_recipients_.empty()) return refuse(554, "No valid recipients");
    SmtpOutcome outcome;
    outcome.replies.push_back(reply(354, "End data with <CR><LF>.<CR><LF>"));
    outcome.next = SmtpOutcome::Next::message;
    return outcome;
}

std::string SmtpSession::received_line(const std::string& recipient, std::time_t now) const {
    // RFC 5321 §4.4: every server that takes a message adds a Received line on top; its "for"
    // clause names the recipient when there is one.
    return fmt::format("Received: from {} ({})\r\n\tby {} (emu-maild) with {} id {:08X}{:04X}\r\n\t{}; {}\r\n",
                       client_name_, peer_.to_string(), config_.hostname, extended_ ? "ESMTP" : "SMTP",
                       static_cast<std::uint32_t>(now), static_cast<std::uint32_t>(messages_ & 0xffff),
                       recipient.empty() ? std::string("(relayed)") : "for <" + recipient + ">", wire::mail_date(now));
}

SmtpOutcome SmtpSession::on_message(const std::string& content, bool too_large, std::time_t now) {
    SmtpOutcome outcome;
    if (too_large) {
        outcome.replies.push_back(reply(552, "Message size exceeds fixed maximum message size"));
        outcome.log.push_back({"smtp.too_large", fmt::format("from={} sender=<{}>", peer_.to_string(), reverse_path_)});
        reset();
        return outcome;
    }
    // RFC 5321 §6.3: a message that has passed this many servers is going round in a loop
    // (a relay whose MX leads back to itself); taking it once more would feed the loop.
    if (received_lines(content) >= kMaximumHops) {
        outcome.replies.push_back(reply(554, "Too many hops: the message is going round in a mail loop"));
        outcome.log.push_back({"smtp.loop_refused", fmt::format("from={} sender=<{}> hops={}", peer_.to_string(), reverse_path_,
                                                                received_lines(content))});
        reset();
        return outcome;
    }
    ++messages_;
    std::set<std::string> delivered;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < recipients_.size(); ++i) {
        const auto& user = recipients_[i];
        if (!delivered.insert(user).second) continue;  // two addresses of one mailbox: one copy
        // The content byte for byte after our trace lines: MIME parts, bare LFs and all. The
        // final delivery adds Return-Path (RFC 5321 §4.4).
        auto stored = store_.deliver(user, "Return-Path: <" + reverse_path_ + ">\r\n" +
                                               received_line(recipient_addresses_[i], now) + content);
        if (!stored) {
            outcome.replies.push_back(reply(451, "Local error in processing; try again later"));
            outcome.log.push_back({"smtp.store_failed", fmt::format("user={} error={}", user, stored.error().message())});
            reset();
            return outcome;
        }
        outcome.log.push_back({"smtp.delivered", fmt::format("from={} sender=<{}> recipient=<{}> user={} bytes={} id={}",
                                                             peer_.to_string(), reverse_path_, recipient_addresses_[i], user,
                                                             content.size(), *stored)});
        names.push_back(*stored);
    }
    if (!remote_recipients_.empty()) {
        auto single = remote_recipients_.size() == 1 ? remote_recipients_.front() : std::string();
        auto queued = store_.enqueue({reverse_path_, remote_recipients_}, received_line(single, now) + content, now);
        if (!queued) {
            outcome.replies.push_back(reply(451, "Local error in processing; try again later"));
            outcome.log.push_back({"smtp.queue_failed", "error=" + queued.error().message()});
            reset();
            return outcome;
        }
        outcome.log.push_back({"smtp.queued", fmt::format("from={} sender=<{}> recipients=<{}> bytes={} id={}", peer_.to_string(),
                                                          reverse_path_, fmt::join(remote_recipients_, ">,<"), content.size(),
                                                          *queued)});
        outcome.queued = true;
        names.push_back(*queued);
    }
    outcome.replies.push_back(reply(250, "OK: " + fmt::format("{}", fmt::join(names, " "))));
    reset();
    return outcome;
}

SmtpOutcome SmtpSession::on_malformed(const std::string& why, bool fatal) {
    auto outcome = refuse(500, "Syntax error: " + why);
    if (fatal && outcome.next != SmtpOutcome::Next::close) {
        outcome.replies.push_back(reply(421, config_.hostname + " closing connection"));
        outcome.next = SmtpOutcome::Next::close;
        outcome.log.push_back({"smtp.line_refused", fmt::format("from={}: {}", peer_.to_string(), why)});
    }
    return outcome;
}

SmtpOutcome SmtpSession::on_idle_timeout() {
    // RFC 5321 §4.5.3.2.7: a server may close a connection that sends nothing for 5 minutes.
    SmtpOutcome outcome;
    outcome.replies.push_back(reply(421, config_.hostname + " Timeout; closing connection"));
    outcome.next = SmtpOutcome::Next::close;
    outcome.log.push_back({"smtp.idle_timeout", "from=" + peer_.to_string()});
    return outcome;
}

void SmtpSession::reset() {
    in_transaction_ = false;
    reverse_path_.clear();
    recipients_.clear();
    recipient_addresses_.clear();
    remote_recipients_.clear();
}

}  // namespace emu::mail
