#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/ip_address.hpp"
#include "lib/wire/smtp.hpp"
#include "nodes/common/log_line.hpp"
#include "nodes/maild/mail_config.hpp"
#include "nodes/maild/mail_store.hpp"

namespace emu::mail {

using node::LogLine;

/// What a command comes to: replies, then what the I/O layer reads next.
struct SmtpOutcome {
    enum class Next {
        command,  ///< the next command
        message,  ///< DATA's content, dot-stuffed, to the lone period (then on_message)
        close,    ///< nothing: the connection ends once the replies are sent
    };
    std::vector<wire::SmtpReply> replies;
    Next next = Next::command;
    std::vector<LogLine> log;
    bool queued = false;  ///< a message went into the relay queue: time to wake the relay
};

/// One SMTP connection's protocol engine (RFC 5321, with SIZE (RFC 1870), PIPELINING
/// (RFC 2920) and 8BITMIME (RFC 6152)): commands and DATA's content in, replies out, each
/// message stored in its local recipients' mailboxes — durably, before the 250 is returned.
/// It takes mail for its own domains from anyone, and for other domains only from clients in
/// `relay_from` (its own users' networks), queueing it for the relay; any other recipient
/// elsewhere is refused and logged: it is not an open relay. No sockets, no clock of its own.
class SmtpSession {
public:
    /// The most recipients of one message (RFC 5321 §4.5.3.1.8 asks for at least 100).
    static constexpr std::size_t kMaximumRecipients = 100;
    /// Bad commands before the session is ended (Postfix's smtpd_hard_error_limit).
    static constexpr int kMaximumErrors = 20;
    /// Received lines past which a message is taken to be looping (Postfix's hopcount_limit).
    static constexpr std::size_t kMaximumHops = 50;

    SmtpSession(const MailConfig& config, MailStore& store, wire::IpAddress peer);

    wire::SmtpReply greeting() const;
    SmtpOutcome on_command(const wire::SmtpCommand& command, std::time_t now);
    /// A line the codec refused; `fatal` (one over the limit): the connection ends.
    SmtpOutcome on_malformed(const std::string& why, bool fatal);
    /// DATA's content, unstuffed (`too_large`: past the maximum size, and cut).
    SmtpOutcome on_message(const std::string& content, bool too_large, std::time_t now);
    SmtpOutcome on_idle_timeout();

    /// The most bytes DATA's content may have.
    std::uint64_t maximum_size() const { return config_.maximum_size; }

private:
    SmtpOutcome hello(const wire::SmtpCommand& command);
    SmtpOutcome mail_from(const std::string& argument);
    SmtpOutcome rcpt_to(const std::string& argument);
    SmtpOutcome data();
    SmtpOutcome refuse(int code, std::string text);
    /// The local user a recipient reaches; nullopt when the domain is not ours.
    std::optional<std::string> local_user(const wire::SmtpMailbox& mailbox, bool& unknown) const;
    std::string received_line(const std::string& recipient, std::time_t now) const;
    void reset();

    const MailConfig& config_;
    MailStore& store_;
    wire::IpAddress peer_;
    std::string client_name_;  ///< what HELO or EHLO said; empty before
    bool extended_ = false;    ///< EHLO, not HELO: the trace line says ESMTP
    bool in_transaction_ = false;
    std::string reverse_path_;  ///< MAIL FROM's address, "" for the null path
    std::vector<std::string> recipients_;  ///< local users, one entry per accepted RCPT's user
    std::vector<std::string> recipient_addresses_;
    std::vector<std::string> remote_recipients_;  ///< other domains', to relay
    bool may_relay_ = false;  ///< the client is in relay_from
    int errors_ = 0;
    std::uint64_t messages_ = 0;
};

}  // namespace emu::mail
