#include "nodes/maild/smtp_client.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lib/wire/dot_stuffing.hpp"

namespace emu::mail {
namespace {

std::string shown(const wire::SmtpReply& reply) {
    return fmt::format("{} {}", reply.code, reply.lines.empty() ? "" : reply.lines.back());
}

bool has_eight_bit(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

}  // namespace

SmtpClient::SmtpClient(std::string client_name, Envelope envelope, std::string message)
    : client_name_(std::move(client_name)), envelope_(std::move(envelope)), message_(std::move(message)) {}

std::string SmtpClient::send(Step step) {
    step_ = step;
    switch (step) {
    case Step::ehlo: return wire::write_smtp_command({"EHLO", client_name_});
    case Step::helo: return wire::write_smtp_command({"HELO", client_name_});
    case Step::mail: {
        // RFC 6152 §3: say so when the content has 8-bit bytes and the server takes them.
        auto argument = "FROM:<" + envelope_.from + ">";
        if (eight_bit_mime_ && has_eight_bit(message_)) argument += " BODY=8BITMIME";
        return wire::write_smtp_command({"MAIL", argument});
    }
    case Step::rcpt: return wire::write_smtp_command({"RCPT", "TO:<" + envelope_.to[recipient_] + ">"});
    case Step::data: return wire::write_smtp_command({"DATA", ""});
    // Bare LFs and CRs, which a server may have kept as content, go out as CRLF.
    case Step::content: return wire::dot_stuffed(wire::with_crlf_line_ends(message_));
    case Step::quit: return wire::write_smtp_command({"QUIT", ""});
    case Step::greeting:
    case Step::done: break;
    }
    return {};
}

std::string SmtpClient::fail(Outcome outcome, const std::string& what, const wire::SmtpReply& reply) {
    outcome_ = outcome;
    failure_ = what + ": " + shown(reply);
    // RFC 5321 §3.8: end the session with QUIT, even after a refusal.
    return send(Step::quit);
}

std::string SmtpClient::on_reply(const wire::SmtpReply& reply) {
    auto refusal = reply.code >= 500 ? Outcome::permanent_failure : Outcome::temporary_failure;
    bool positive = reply.code >= 200 && reply.code < 300;
    switch (step_) {
    case Step::greeting:
        if (reply.code != 220) return fail(refusal, "the greeting", reply);
        return send(Step::ehlo);
    case Step::ehlo:
        if (positive) {
            for (const auto& line : reply.lines) {
                if (wire::upper_ascii(line) == "8BITMIME") eight_bit_mime_ = true;
            }
            return send(Step::mail);
        }
        // RFC 5321 §4.1.4: a server that does not know EHLO is asked with HELO.
        if (reply.code >= 500) return send(Step::helo);
        return fail(refusal, "EHLO " + client_name_, reply);
    case Step::helo:
        if (!positive) return fail(refusal, "HELO " + client_name_, reply);
        return send(Step::mail);
    case Step::mail:
        if (!positive) return fail(refusal, "MAIL FROM:<" + envelope_.from + ">", reply);
        recipient_ = 0;
        return send(Step::rcpt);
    case Step::rcpt:
        if (positive) {
            ++accepted_;
        } else {
            refused_.emplace_back(envelope_.to[recipient_], reply);
        }
        if (++recipient_ < envelope_.to.size()) return send(Step::rcpt);
        if (accepted_ > 0) return send(Step::data);
        {
            // Every recipient refused: later if any refusal was temporary.
            bool temporary = std::any_of(refused_.begin(), refused_.end(), [](const auto& r) { return r.second.code < 500; });
            return fail(temporary ? Outcome::temporary_failure : Outcome::permanent_failure,
                        "RCPT TO:<" + refused_.front().first + ">", refused_.front().second);
        }
    case Step::data:
        if (reply.code != 354) return fail(refusal, "DATA", reply);
        return send(Step::content);
    case Step::content:
        if (!positive) return fail(refusal, "the message", reply);
        outcome_ = Outcome::delivered;
        return send(Step::quit);
    case Step::quit:
        step_ = Step::done;
        finished_ = true;
        return {};
    case Step::done: break;
    }
    return {};
}

void SmtpClient::on_closed() {
    if (outcome_ == Outcome::pending) {
        outcome_ = Outcome::temporary_failure;
        failure_ = "the server closed the connection";
    }
    step_ = Step::done;
    finished_ = true;
}

}  // namespace emu::mail
