#pragma once

#include <string>
#include <vector>

#include "lib/wire/smtp.hpp"
#include "nodes/maild/envelope.hpp"

namespace emu::mail {

/// The SMTP client's protocol engine (RFC 5321 §3.3, §4.3.2): one message to one server,
/// one command at a time — EHLO (HELO if the server refuses it), MAIL, each RCPT, DATA, the
/// message, QUIT — as the seed shows a mail transfer. The server's replies in, what to send
/// out. No sockets.
class SmtpClient {
public:
    /// How it ended, by the codes RFC 5321 §4.2.1 gives: 2yz done, 4yz try again later,
    /// 5yz never.
    enum class Outcome { pending, delivered, temporary_failure, permanent_failure };

    /// `message`: the content, its lines ending in CRLF.
    SmtpClient(std::string client_name, Envelope envelope, std::string message);

    /// The server's next reply; returns what to send now ("" when nothing).
    std::string on_reply(const wire::SmtpReply& reply);
    /// The connection ended before QUIT's reply: a temporary failure if not yet delivered.
    void on_closed();

    bool finished() const { return finished_; }
    Outcome outcome() const { return outcome_; }
    /// For a failure: the command and the reply that ended it ("RCPT TO:<x@b.example>: 550 …").
    const std::string& failure() const { return failure_; }
    /// The recipients the server refused, each with its reply (the others were taken).
    const std::vector<std::pair<std::string, wire::SmtpReply>>& refused() const { return refused_; }

private:
    enum class Step { greeting, ehlo, helo, mail, rcpt, data, content, quit, done };
    std::string send(Step step);
    std::string fail(Outcome outcome, const std::string& what, const wire::SmtpReply& reply);

    std::string client_name_;
    Envelope envelope_;
    std::string message_;
    Step step_ = Step::greeting;
    std::size_t recipient_ = 0;  ///< the RCPT awaiting its reply
    std::size_t accepted_ = 0;
    bool eight_bit_mime_ = false;  ///< EHLO listed 8BITMIME (RFC 6152)
    bool finished_ = false;
    Outcome outcome_ = Outcome::pending;
    std::string failure_;
    std::vector<std::pair<std::string, wire::SmtpReply>> refused_;
};

}  // namespace emu::mail
