// emu-maild's SMTP engine (nodes/maild/smtp_session): the sessions swaks and curl really
// sent, replayed; mail stored for the server's own users only, durably and byte for byte
// after its trace lines; relaying, VRFY and what is out of order refused. No sockets.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "lib/util/files.hpp"
#include "lib/wire/dot_stuffing.hpp"
#include "nodes/maild/smtp_session.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::mail;
using emu::wire::SmtpCommand;
namespace fs = std::filesystem;

namespace {

const auto kClient = emu::wire::IpAddress::parse("10.0.9.2").value();
constexpr std::time_t kNow = 1795000000;  // Wed, 18 Nov 2026 11:06:40 +0000

struct Scratch {
    Scratch() {
        data = fs::temp_directory_path() / ("emu-smtp-session-" + std::to_string(::getpid()));
        fs::remove_all(data);
        config.hostname = "mail.b.example";
        config.domains = {"b.example"};
        config.users = {{"bob", "pw"}, {"carol", "pw2"}};
        config.postmaster = "carol";
        config.maximum_size = 100000;
    }
    ~Scratch() { fs::remove_all(data); }
    fs::path data;
    MailConfig config;
};

struct Client {
    explicit Client(Scratch& scratch) : store(scratch.config, scratch.data), session(scratch.config, store, kClient) {}

    SmtpOutcome send(const std::string& line) {
        auto space = line.find(' ');
        return session.on_command(SmtpCommand{line.substr(0, space), space == std::string::npos ? "" : line.substr(space + 1)},
                                  kNow);
    }
    int code(const std::string& line) {
        auto outcome = send(line);
        return outcome.replies.empty() ? 0 : outcome.replies.back().code;
    }
    std::vector<std::string> mailbox(const std::string& user) {
        std::vector<std::string> texts;
        auto& box = store.mailbox(user);
        auto messages = box.messages().value();
        for (const auto& message : messages) texts.push_back(box.read(message).value());
        return texts;
    }

    MailStore store;
    SmtpSession session;
};

bool logged(const SmtpOutcome& outcome, const std::string& event) {
    for (const auto& line : outcome.log) {
        if (line.event == event) return true;
    }
    return false;
}

std::string text_of(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

// Plays a client's side of a golden session against the engine, as the I/O loop would:
// commands, and after a 354 the dot-stuffed message. The reply codes, in order.
std::vector<int> replay(SmtpSession& session, const std::string& client, std::string& message) {
    std::vector<int> codes{session.greeting().code};
    std::size_t at = 0;
    while (at < client.size()) {
        auto bytes = emu::wire::Bytes(reinterpret_cast<const std::uint8_t*>(client.data()), client.size()).subspan(at);
        auto read = emu::wire::read_smtp_command(bytes);
        REQUIRE(read.complete());
        at += read.size;
        auto outcome = session.on_command(read.message, kNow);
        for (const auto& reply : outcome.replies) codes.push_back(reply.code);
        if (outcome.next == SmtpOutcome::Next::message) {
            emu::wire::DotStuffedReader reader(session.maximum_size());
            message.clear();
            at += reader.feed(emu::wire::Bytes(reinterpret_cast<const std::uint8_t*>(client.data()), client.size()).subspan(at),
                              message);
            REQUIRE(reader.done());
            for (const auto& reply : session.on_message(message, reader.too_large(), kNow).replies) codes.push_back(reply.code);
        }
    }
    return codes;
}

}  // namespace

TEST_CASE("swaks' and curl's real sessions are taken whole and each message stored byte for byte after trace lines",
          "[maild][smtp]") {
    for (const char* name : {"smtp_swaks_sink", "smtp_swaks_sink_pipelined", "smtp_curl_sink_mime"}) {
        INFO(name);
        Scratch scratch;
        Client client(scratch);
        std::string message;
        auto codes = replay(client.session, text_of(emu::test::golden_session(name, "client")), message);
        CHECK(codes == std::vector<int>{220, 250, 250, 250, 354, 250, 221});
        auto stored = client.mailbox("bob");
        REQUIRE(stored.size() == 1);
        CHECK(stored[0].ends_with(message));
        // RFC 5321 §4.4: Return-Path from the final delivery, and a Received line.
        CHECK(stored[0].starts_with("Return-Path: <alice@a.example>\r\nReceived: from "));
        CHECK(stored[0].find("\r\n\tby mail.b.example (emu-maild) with ESMTP id ") != std::string::npos);
        CHECK(stored[0].find("\r\n\tfor <bob@b.example>; Wed, 18 Nov 2026 11:06:40 +0000\r\n") != std::string::npos);
        CHECK(stored[0].size() > message.size());
    }
    // curl's MIME message keeps its bare LFs and its parts as they came.
    Scratch scratch;
    Client client(scratch);
    std::string message;
    replay(client.session, text_of(emu::test::golden_session("smtp_curl_sink_mime", "client")), message);
    CHECK(message.find("Content-Type: multipart/mixed") != std::string::npos);
    CHECK(client.mailbox("bob")[0].ends_with(message));
}

TEST_CASE("EHLO lists PIPELINING, SIZE and 8BITMIME, and a message to several of our users reaches each mailbox once",
          "[maild][smtp]") {
    Scratch scratch;
    Client client(scratch);
    auto greeting = client.session.greeting();
    CHECK(emu::wire::write_smtp_reply(greeting) == "220 mail.b.example ESMTP emu-maild\r\n");
    auto hello = client.send("EHLO client.a.example");
    REQUIRE(hello.replies.size() == 1);
    CHECK(emu::wire::write_smtp_reply(hello.replies[0]) ==
          "250-mail.b.example greets client.a.example\r\n250-PIPELINING\r\n250-SIZE 100000\r\n250 8BITMIME\r\n");
    CHECK(client.code("MAIL FROM:<alice@a.example> SIZE=2000 BODY=8BITMIME") == 250);
    CHECK(client.code("RCPT TO:<bob@b.example>") == 250);
    CHECK(client.code("RCPT TO:<Bob@B.Example>") == 250);  // the same mailbox
    CHECK(client.code("RCPT TO:<carol@b.example>") == 250);
    auto data = client.send("DATA");
    CHECK(data.replies.back().code == 354);
    CHECK(data.next == SmtpOutcome::Next::message);
    const std::string content = "Subject: hi\r\n\r\n8-bit: \xc3\xa9t\xc3\xa9\r\n";
    auto stored = client.session.on_message(content, false, kNow);
    CHECK(stored.replies.back().code == 250);
    CHECK(stored.log.size() == 2);
    CHECK(logged(stored, "smtp.delivered"));
    REQUIRE(client.mailbox("bob").size() == 1);
    REQUIRE(client.mailbox("carol").size() == 1);
    CHECK(client.mailbox("bob")[0] ==
          "Return-Path: <alice@a.example>\r\nReceived: from client.a.example (10.0.9.2)\r\n\tby mail.b.example (emu-maild) "
          "with ESMTP id 6AFD86C00001\r\n\tfor <bob@b.example>; Wed, 18 Nov 2026 11:06:40 +0000\r\n" + content);
    // The transaction is over: the next needs its own MAIL.
    CHECK(client.code("RCPT TO:<bob@b.example>") == 503);
    // A bounce has the null reverse path (RFC 5321 §4.5.5); postmaster is always taken (§4.5.1).
    CHECK(client.code("MAIL FROM:<>") == 250);
    CHECK(client.code("RCPT TO:<Postmaster>") == 250);
    CHECK(client.code("RCPT TO:<postmaster@b.example>") == 250);
    CHECK(client.code("DATA") == 354);
    client.session.on_message("Subject: bounce\r\n\r\n", false, kNow);
    CHECK(client.mailbox("carol").size() == 2);
    CHECK(client.mailbox("carol")[1].starts_with("Return-Path: <>\r\n"));
    CHECK(client.code("HELO old.a.example") == 250);
    auto quit = client.send("QUIT");
    CHECK(quit.replies.back().code == 221);
    CHECK(quit.next == SmtpOutcome::Next::close);
}

TEST_CASE("emu-maild is not an open relay, does not say which mailboxes exist, and keeps the order of commands",
          "[maild][smtp]") {
    Scratch scratch;
    Client client(scratch);
    CHECK(client.code("MAIL FROM:<alice@a.example>") == 503);  // EHLO first
    CHECK(client.code("EHLO client.a.example") == 250);
    CHECK(client.code("RCPT TO:<bob@b.example>") == 503);  // MAIL first
    CHECK(client.code("DATA") == 503);
    CHECK(client.code("MAIL FROM:<alice@a.example>") == 250);
    CHECK(client.code("MAIL FROM:<alice@a.example>") == 503);  // nested
    auto relay = client.send("RCPT TO:<dave@elsewhere.example>");
    CHECK(relay.replies.back().code == 554);
    REQUIRE(logged(relay, "smtp.relay_refused"));
    CHECK(relay.log[0].detail == "from=10.0.9.2 sender=<alice@a.example> recipient=<dave@elsewhere.example>");
    auto unknown = client.send("RCPT TO:<nobody@b.example>");
    CHECK(unknown.replies.back().code == 550);
    CHECK(logged(unknown, "smtp.unknown_recipient"));
    CHECK(client.code("DATA") == 554);  // no recipient was taken
    auto vrfy = client.send("VRFY bob");
    CHECK(vrfy.replies.back().code == 502);
    CHECK(logged(vrfy, "smtp.vrfy_refused"));
    CHECK(client.code("EXPN staff") == 502);
    CHECK(client.code("RSET") == 250);
    CHECK(client.code("RCPT TO:<bob@b.example>") == 503);  // RSET ended the transaction

    // Sizes: declared too large at MAIL (RFC 1870 §6), or found too large in DATA.
    CHECK(client.code("MAIL FROM:<alice@a.example> SIZE=100001") == 552);
    CHECK(client.code("MAIL FROM:<alice@a.example> SIZE=lots") == 501);
    CHECK(client.code("MAIL FROM:<alice@a.example> BODY=BINARYMIME") == 501);
    CHECK(client.code("MAIL FROM:<alice@a.example> SMTPUTF8") == 555);
    CHECK(client.code("MAIL FROM:alice") == 501);
    CHECK(client.code("MAIL FROM:<alice@a.example>") == 250);
    CHECK(client.code("RCPT TO:<bob@b.example> NOTIFY=NEVER") == 555);
    CHECK(client.code("RCPT TO:<bob@b.example>") == 250);
    CHECK(client.code("DATA") == 354);
    auto large = client.session.on_message(std::string(100000, 'x'), true, kNow);
    CHECK(large.replies.back().code == 552);
    CHECK(client.mailbox("bob").empty());
    CHECK(client.code("STARTTLS") == 502);
    CHECK(client.code("XYZZY") == 500);
    CHECK(client.code("NOOP") == 250);
}

TEST_CASE("A message that has passed 50 servers is refused as a mail loop", "[maild][smtp]") {
    Scratch scratch;
    Client client(scratch);
    std::string header;
    for (int i = 0; i < 49; ++i) header += "Received: from hop" + std::to_string(i) + "\r\n\tby x; date\r\n";
    for (int hops : {49, 50}) {
        CHECK(client.code("EHLO client.a.example") == 250);
        CHECK(client.code("MAIL FROM:<alice@a.example>") == 250);
        CHECK(client.code("RCPT TO:<bob@b.example>") == 250);
        CHECK(client.code("DATA") == 354);
        auto extra = hops == 50 ? std::string("RECEIVED: from one more\r\n") : std::string();
        auto outcome = client.session.on_message(extra + header + "Subject: round\r\n\r\nReceived: in the body\r\n", false, kNow);
        CHECK(outcome.replies.back().code == (hops == 50 ? 554 : 250));
    }
    CHECK(client.mailbox("bob").size() == 1);
}

TEST_CASE("An SMTP client that keeps erring, or sends an endless line, is sent away with 421", "[maild][smtp]") {
    Scratch scratch;
    Client client(scratch);
    SmtpOutcome last;
    for (int i = 0; i < SmtpSession::kMaximumErrors; ++i) last = client.send("XYZZY");
    CHECK(last.replies.back().code == 421);
    CHECK(last.next == SmtpOutcome::Next::close);
    CHECK(logged(last, "smtp.too_many_errors"));
    Client second(scratch);
    auto endless = second.session.on_malformed("the line is over 2048 bytes", true);
    CHECK(endless.replies.front().code == 500);
    CHECK(endless.replies.back().code == 421);
    CHECK(endless.next == SmtpOutcome::Next::close);
    auto idle = second.session.on_idle_timeout();
    CHECK(idle.replies.back().code == 421);
}
