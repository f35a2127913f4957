// The SMTP client engine (nodes/maild/smtp_client): one message through one session, against
// emu-maild's own server engine in memory and against replies as other servers give them.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "lib/wire/dot_stuffing.hpp"
#include "nodes/maild/bounce.hpp"
#include "nodes/maild/smtp_client.hpp"
#include "nodes/maild/smtp_session.hpp"

using namespace emu::mail;
using emu::wire::SmtpReply;
namespace fs = std::filesystem;

namespace {

// The client's bytes, read by the server engine as the I/O loop would; the server's replies
// handed back. The client's lines, for checking.
std::vector<std::string> converse(SmtpClient& client, SmtpSession& server) {
    std::vector<std::string> sent;
    std::vector<SmtpReply> replies{server.greeting()};
    while (!replies.empty() && !client.finished()) {
        auto reply = replies.front();
        replies.erase(replies.begin());
        auto bytes = client.on_reply(reply);
        if (bytes.empty()) continue;
        auto view = emu::wire::Bytes(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        auto command = emu::wire::read_smtp_command(view);
        if (command.complete()) {
            sent.push_back(bytes.substr(0, bytes.size() - 2));
            auto outcome = server.on_command(command.message, 1795000000);
            replies.insert(replies.end(), outcome.replies.begin(), outcome.replies.end());
        } else {
            // The message after 354: read as the server reads it.
            emu::wire::DotStuffedReader reader(server.maximum_size());
            std::string content;
            reader.feed(view, content);
            REQUIRE(reader.done());
            sent.push_back("(message)");
            auto outcome = server.on_message(content, reader.too_large(), 1795000000);
            replies.insert(replies.end(), outcome.replies.begin(), outcome.replies.end());
        }
    }
    return sent;
}

struct Server {
    Server() {
        data = fs::temp_directory_path() / ("emu-smtp-client-" + std::to_string(::getpid()));
        fs::remove_all(data);
        config.hostname = "mail.b.example";
        config.domains = {"b.example"};
        config.users = {{"bob", "pw"}};
        config.postmaster = "bob";
        store.emplace(config, data);
        session.emplace(config, *store, emu::wire::IpAddress::parse("10.0.1.25").value());
    }
    ~Server() {
        session.reset();
        store.reset();
        fs::remove_all(data);
    }
    fs::path data;
    MailConfig config;
    std::optional<MailStore> store;
    std::optional<SmtpSession> session;
};

SmtpReply reply(int code, std::string text) { return {code, {std::move(text)}}; }

}  // namespace

TEST_CASE("The SMTP client hands a message to emu-maild's server engine, one command at a time", "[maild][smtp][client]") {
    Server server;
    const std::string message = "Subject: notes\r\n\r\nCaf\xc3\xa9.\r\n.a line with a period\r\n";
    SmtpClient client("mail.a.example", {"alice@a.example", {"bob@b.example", "nobody@b.example"}}, message);
    auto sent = converse(client, *server.session);
    CHECK(sent == std::vector<std::string>{"EHLO mail.a.example", "MAIL FROM:<alice@a.example> BODY=8BITMIME",
                                           "RCPT TO:<bob@b.example>", "RCPT TO:<nobody@b.example>", "DATA", "(message)",
                                           "QUIT"});
    CHECK(client.finished());
    CHECK(client.outcome() == SmtpClient::Outcome::delivered);
    REQUIRE(client.refused().size() == 1);
    CHECK(client.refused()[0].first == "nobody@b.example");
    CHECK(client.refused()[0].second.code == 550);
    auto& box = server.store->mailbox("bob");
    auto messages = box.messages().value();
    REQUIRE(messages.size() == 1);
    CHECK(box.read(messages[0]).value().ends_with(message));
}

TEST_CASE("The SMTP client falls back to HELO, and tells a refusal for good from one for later", "[maild][smtp][client]") {
    SECTION("a server that does not know EHLO") {
        SmtpClient client("a.example", {"alice@a.example", {"bob@b.example"}}, "x\r\n");
        CHECK(client.on_reply(reply(220, "old.example")) == "EHLO a.example\r\n");
        CHECK(client.on_reply(reply(502, "unknown command")) == "HELO a.example\r\n");
        CHECK(client.on_reply(reply(250, "old.example")) == "MAIL FROM:<alice@a.example>\r\n");
    }
    SECTION("a greeting that refuses: QUIT, for good") {
        SmtpClient client("a.example", {"alice@a.example", {"bob@b.example"}}, "x\r\n");
        CHECK(client.on_reply(reply(554, "no service")) == "QUIT\r\n");
        CHECK(client.on_reply(reply(221, "bye")).empty());
        CHECK(client.finished());
        CHECK(client.outcome() == SmtpClient::Outcome::permanent_failure);
        CHECK(client.failure() == "the greeting: 554 no service");
    }
    SECTION("every recipient refused, one only for now: later") {
        SmtpClient client("a.example", {"", {"bob@b.example", "carol@b.example"}}, "x\r\n");
        client.on_reply(reply(220, "b"));
        CHECK(client.on_reply(reply(250, "b")) == "MAIL FROM:<>\r\n");  // the null path of a bounce
        CHECK(client.on_reply(reply(250, "ok")) == "RCPT TO:<bob@b.example>\r\n");
        CHECK(client.on_reply(reply(550, "no such user")) == "RCPT TO:<carol@b.example>\r\n");
        CHECK(client.on_reply(reply(451, "try later")) == "QUIT\r\n");
        CHECK(client.outcome() == SmtpClient::Outcome::temporary_failure);
        CHECK(client.refused().size() == 2);
    }
    SECTION("the connection lost before the message was taken") {
        SmtpClient client("a.example", {"alice@a.example", {"bob@b.example"}}, "x\r\n");
        client.on_reply(reply(220, "b"));
        client.on_closed();
        CHECK(client.finished());
        CHECK(client.outcome() == SmtpClient::Outcome::temporary_failure);
    }
    SECTION("the message refused after DATA") {
        SmtpClient client("a.example", {"alice@a.example", {"bob@b.example"}}, "x\r\n");
        client.on_reply(reply(220, "b"));
        client.on_reply(reply(250, "b"));
        client.on_reply(reply(250, "ok"));
        CHECK(client.on_reply(reply(250, "ok")) == "DATA\r\n");
        CHECK(client.on_reply(reply(354, "go")) == "x\r\n.\r\n");
        CHECK(client.on_reply(reply(552, "too large")) == "QUIT\r\n");
        CHECK(client.outcome() == SmtpClient::Outcome::permanent_failure);
        CHECK(client.failure() == "the message: 552 too large");
    }
}

TEST_CASE("A bounce comes from the mail system, is marked automatic, names each failure and returns the header",
          "[maild][smtp][bounce]") {
    auto text = bounce_message("mail.a.example", "alice@a.example",
                               {{"nobody@b.example", "mail.b.example (10.0.2.25): RCPT TO:<nobody@b.example>: 550 no"}},
                               "Subject: Hello?\r\nFrom: alice@a.example\r\n\r\nThe body, not returned.\r\n", 1795000000);
    CHECK(text.starts_with("From: Mail Delivery System <MAILER-DAEMON@mail.a.example>\r\nTo: <alice@a.example>\r\n"
                           "Subject: Undelivered Mail Returned to Sender\r\nDate: Wed, 18 Nov 2026 11:06:40 +0000\r\n"
                           "Auto-Submitted: auto-replied\r\n"));
    CHECK(text.find("\r\n  <nobody@b.example>: mail.b.example (10.0.2.25): RCPT TO:<nobody@b.example>: 550 no\r\n") !=
          std::string::npos);
    CHECK(text.ends_with("--- The header of the returned message ---\r\n\r\nSubject: Hello?\r\nFrom: alice@a.example\r\n"));
    CHECK(text.find("The body") == std::string::npos);
}

TEST_CASE("A relayed message's bare LFs and CRs go out as CRLF, so no server can read a false end in them",
          "[maild][smtp][client]") {
    // What emu-maild kept byte for byte from a client that sent a smuggling attempt.
    const std::string kept = "Subject: x\r\n\r\nhello\n.\r\nMAIL FROM:<mallory@evil.example>\r\nlone\rcr\r\n";
    CHECK(emu::wire::with_crlf_line_ends(kept) ==
          "Subject: x\r\n\r\nhello\r\n.\r\nMAIL FROM:<mallory@evil.example>\r\nlone\r\ncr\r\n");
    SmtpClient client("a.example", {"alice@a.example", {"bob@b.example"}}, kept);
    client.on_reply(reply(220, "b"));
    client.on_reply(reply(250, "b"));
    client.on_reply(reply(250, "ok"));
    client.on_reply(reply(250, "ok"));
    auto sent = client.on_reply(reply(354, "go"));
    // The period that followed the bare LF is now at a line start, and stuffed.
    CHECK(sent == "Subject: x\r\n\r\nhello\r\n..\r\nMAIL FROM:<mallory@evil.example>\r\nlone\r\ncr\r\n.\r\n");
}
