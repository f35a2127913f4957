#pragma once

#include <string>
#include <vector>

namespace emu::host {

/// What `emu-host mail send` was asked.
struct MailSendOptions {
    std::string from;
    std::vector<std::string> to;
    std::string subject;
    std::string body;        ///< when empty and `body_given` is false: read from stdin
    bool body_given = false;
    std::string server;      ///< the SMTP server; default: the MX of the sender's domain
    bool verbose = false;
    double timeout_seconds = 30;
};

/// What `emu-host mail fetch` was asked.
struct MailFetchOptions {
    std::string user;      ///< "bob@b.example", or "bob" with --server
    std::string password;
    std::string server;    ///< the POP3 server; default: the MX of the user's domain
    bool keep = false;
    bool verbose = false;
    double timeout_seconds = 30;
};

/// `emu-host mail send`: the message (From, To, Subject, Date, Message-ID and the body, lines
/// ending in CRLF) to the sender's domain's mail server, found by its MX record through the
/// node's resolv.conf — the server passes it on. Exit 0 when it was taken (250).
int run_mail_send(const MailSendOptions& options);

/// `emu-host mail fetch`: every message of the user's mailbox over POP3, printed, then
/// deleted from the server unless --keep. Exit 0 when the session ended with +OK.
int run_mail_fetch(const MailFetchOptions& options);

}  // namespace emu::host
