#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/wire/ip_address.hpp"
#include "lib/wire/pop3.hpp"
#include "nodes/common/log_line.hpp"
#include "nodes/maild/mail_config.hpp"
#include "nodes/maild/mail_store.hpp"

namespace emu::mail {

/// What a POP3 command comes to: responses, and whether the connection ends after them.
struct Pop3Outcome {
    std::vector<wire::Pop3Response> responses;
    bool close = false;
    std::vector<node::LogLine> log;
};

/// One POP3 connection's protocol engine (RFC 1939, with CAPA, RESP-CODES and PIPELINING
/// from RFC 2449): USER/PASS, then the maildrop as it was at login, numbered from 1.
/// DELE only marks a message; the marked ones are removed when the client says QUIT (the
/// UPDATE state, §6), so a connection that breaks loses nothing. A session holds its
/// maildrop alone (§8): a second login to it is refused with [IN-USE] until the first ends.
class Pop3Session {
public:
    /// Failed logins before the connection is closed.
    static constexpr int kMaximumFailedLogins = 3;

    Pop3Session(const MailConfig& config, MailStore& store, wire::IpAddress peer);
    ~Pop3Session();  // lets the maildrop go, with nothing removed unless QUIT came
    Pop3Session(const Pop3Session&) = delete;
    Pop3Session& operator=(const Pop3Session&) = delete;

    wire::Pop3Response greeting() const;
    Pop3Outcome on_command(const wire::Pop3Command& command);
    /// A line the codec refused; `fatal` (one over the limit): the connection ends.
    Pop3Outcome on_malformed(const std::string& why, bool fatal);
    /// RFC 1939 §3: an idle session is closed without entering UPDATE.
    Pop3Outcome on_idle_timeout();

private:
    enum class State { authorization, transaction };
    struct Entry {
        Maildir::Message message;
        bool deleted = false;
    };

    Pop3Outcome authorization(const wire::Pop3Command& command);
    Pop3Outcome transaction(const wire::Pop3Command& command);
    Pop3Outcome update();
    /// The message an argument numbers, not deleted; nullptr with `error` filled otherwise.
    Entry* message_at(const std::string& argument, Pop3Outcome& error);
    std::optional<std::string> read(const Entry& entry, Pop3Outcome& error);

    const MailConfig& config_;
    MailStore& store_;
    wire::IpAddress peer_;
    State state_ = State::authorization;
    std::string user_;  ///< USER's name, then the logged-in user
    bool user_given_ = false;
    int failed_logins_ = 0;
    bool holds_lock_ = false;
    std::vector<Entry> messages_;
};

}  // namespace emu::mail
