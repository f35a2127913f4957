// The mail codecs: SMTP commands, replies and paths (lib/wire/smtp, RFC 5321), POP3 commands
// and responses (lib/wire/pop3, RFC 1939), and the dot-stuffing both share
// (lib/wire/dot_stuffing), against whole sessions of swaks and curl with Postfix's
// smtp-sink and of curl with Dovecot (tests/data/sessions, made by
// tests/data/frames/capture-mail): what each reads, writes back the same, refuses, and
// every cut of a valid message seen as incomplete.
#include <algorithm>

#include <catch2/catch.hpp>

#include "lib/wire/dot_stuffing.hpp"
#include "lib/wire/pop3.hpp"
#include "lib/wire/smtp.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::wire;
using namespace std::string_view_literals;

namespace {

Bytes bytes_of(std::string_view text) { return Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()); }

// The content of a whole dot-stuffed block fed in pieces of `piece` bytes; "" if it never ends.
std::string unstuffed(std::string_view block, std::size_t piece, std::size_t maximum = 1 << 20) {
    DotStuffedReader reader(maximum);
    std::string content;
    std::size_t at = 0;
    while (at < block.size() && !reader.done()) {
        auto part = block.substr(at, std::min(piece, block.size() - at));
        at += reader.feed(bytes_of(part), content);
    }
    CHECK(at == block.size());
    return reader.done() ? content : "(not ended)";
}

std::string session_text(const std::string& name, const char* side) {
    auto bytes = emu::test::golden_session(name, side);
    return {bytes.begin(), bytes.end()};
}

// What a client sent in an SMTP session: its commands, and after DATA the message.
struct SmtpClientSide {
    std::vector<SmtpCommand> commands;
    std::string message;
    std::string written;  // the commands and the message written back
};

SmtpClientSide read_smtp_client(const std::string& text) {
    SmtpClientSide side;
    std::size_t at = 0;
    while (at < text.size()) {
        auto command = read_smtp_command(bytes_of(text).subspan(at));
        REQUIRE(command.complete());
        at += command.size;
        side.commands.push_back(command.message);
        side.written += write_smtp_command(command.message);
        if (command.message.verb == "DATA") {
            DotStuffedReader reader(1 << 20);
            at += reader.feed(bytes_of(text).subspan(at), side.message);
            REQUIRE(reader.done());
            side.written += dot_stuffed(side.message);
        }
    }
    return side;
}

// Every reply in a server's side, each cut of it read as whole replies and then one incomplete.
std::vector<SmtpReply> read_smtp_server(const std::string& text) {
    std::vector<SmtpReply> replies;
    std::size_t at = 0;
    while (at < text.size()) {
        auto reply = read_smtp_reply(bytes_of(text).subspan(at));
        REQUIRE(reply.complete());
        replies.push_back(reply.message);
        at += reply.size;
    }
    for (std::size_t cut = 0; cut < text.size(); ++cut) {
        std::size_t from = 0;
        while (true) {
            auto reply = read_smtp_reply(bytes_of(std::string_view(text).substr(from, cut - from)));
            if (!reply.complete()) {
                INFO("cut at " << cut);
                CHECK(reply.state == TextRead<SmtpReply>::State::incomplete);
                break;
            }
            from += reply.size;
        }
    }
    return replies;
}

}  // namespace

TEST_CASE("swaks and curl with smtp-sink: every command, message and reply reads whole and writes back byte for byte",
          "[wire][golden][smtp]") {
    for (const char* session : {"smtp_swaks_sink", "smtp_swaks_sink_pipelined", "smtp_curl_sink_mime"}) {
        INFO(session);
        auto client = session_text(session, "client");
        auto server = session_text(session, "server");
        auto sent = read_smtp_client(client);
        CHECK(sent.written == client);
        std::vector<std::string> verbs;
        for (const auto& command : sent.commands) verbs.push_back(command.verb);
        CHECK(verbs == std::vector<std::string>{"EHLO", "MAIL", "RCPT", "DATA", "QUIT"});
        auto from = parse_mail_from(sent.commands[1].argument);
        REQUIRE(from);
        CHECK(from->mailbox->to_string() == "alice@a.example");
        auto to = parse_rcpt_to(sent.commands[2].argument);
        REQUIRE(to);
        CHECK(to->mailbox->to_string() == "bob@b.example");

        auto replies = read_smtp_server(server);
        std::string written;
        std::vector<int> codes;
        for (const auto& reply : replies) {
            written += write_smtp_reply(reply);
            codes.push_back(reply.code);
        }
        CHECK(written == server);
        CHECK(codes == std::vector<int>{220, 250, 250, 250, 354, 250, 221});
        // EHLO's answer lists the extensions (RFC 5321 §4.1.1.1), one a line.
        CHECK(replies[1].lines[0] == "b.example");
        CHECK(std::find(replies[1].lines.begin(), replies[1].lines.end(), "PIPELINING") != replies[1].lines.end());
        CHECK(std::find(replies[1].lines.begin(), replies[1].lines.end(), "8BITMIME") != replies[1].lines.end());
    }
    // swaks stuffed the lines that start with a period; read, they are as written.
    auto swaks = read_smtp_client(session_text("smtp_swaks_sink", "client"));
    CHECK(swaks.message.find("\r\n.A line that starts with a period, which goes out as two.\r\n..\r\nBye.\r\n") !=
          std::string::npos);
    // curl sends the file's bare LFs as they are: content, not line ends, so the message
    // (its MIME parts too) is kept byte for byte.
    auto curl = read_smtp_client(session_text("smtp_curl_sink_mime", "client"));
    CHECK(curl.message.find("--emu-boundary\nContent-Type: text/plain; charset=utf-8\n") != std::string::npos);
    CHECK(curl.message.ends_with("--emu-boundary--\n\r\n"));
}

TEST_CASE("curl with Dovecot: every command and response reads whole, in step, and writes back byte for byte",
          "[wire][golden][pop3]") {
    for (const char* session : {"pop3_curl_dovecot_list", "pop3_curl_dovecot_retr", "pop3_curl_dovecot_dele"}) {
        INFO(session);
        auto client = session_text(session, "client");
        auto server = session_text(session, "server");
        std::size_t client_at = 0, server_at = 0;
        std::string client_written, server_written;
        std::vector<Pop3Response> responses;
        auto next_response = [&](bool multi_line) {
            auto response = read_pop3_response(bytes_of(server).subspan(server_at), multi_line);
            REQUIRE(response.complete());
            server_at += response.size;
            server_written += write_pop3_response(response.message);
            responses.push_back(response.message);
            return response.message;
        };
        CHECK(next_response(false).text == "Dovecot (Debian) ready.");
        std::vector<std::string> verbs;
        while (client_at < client.size()) {
            auto command = read_pop3_command(bytes_of(client).subspan(client_at));
            REQUIRE(command.complete());
            client_at += command.size;
            client_written += write_pop3_command(command.message);
            verbs.push_back(command.message.verb);
            auto response = next_response(pop3_answer_is_multi_line(command.message));
            // RFC 5034 §4: AUTH without an initial response gets a challenge; the client's
            // answer is a line of base64, not a command.
            while (response.status == Pop3Status::continuation) {
                auto line = next_text_line(client, client_at, 1024, LineEnd::crlf);
                REQUIRE(line.state == TextLine::State::complete);
                CHECK(line.text == "AGJvYgBzZWNyZXQ=");  // "\0bob\0secret"
                client_written += std::string(line.text) + "\r\n";
                client_at = line.next;
                response = next_response(false);
            }
        }
        CHECK(server_at == server.size());
        CHECK(client_written == client);
        CHECK(server_written == server);
        CHECK(verbs.front() == "CAPA");
        CHECK(responses[1].body->find("UIDL\r\n") != std::string::npos);  // CAPA's list (RFC 2449 §5)
    }
    auto retr = session_text("pop3_curl_dovecot_retr", "server");
    auto at = retr.find("+OK 115 octets");
    REQUIRE(at != std::string::npos);
    auto message = read_pop3_response(bytes_of(std::string_view(retr).substr(at)), true);
    REQUIRE(message.complete());
    CHECK(message.message.body->size() == 115);  // RFC 1939 §7: octets before stuffing, as stored
    CHECK(message.message.body->find("\r\n.A line that starts with a period.\r\n") != std::string::npos);
}

TEST_CASE("Dot-stuffing: a period doubled at a line's start, a lone period ends, in any pieces", "[wire][smtp][pop3]") {
    std::string message = "Subject: notes\r\n\r\n.hidden\r\n..two\r\nend .\r\n";
    auto block = dot_stuffed(message);
    CHECK(block == "Subject: notes\r\n\r\n..hidden\r\n...two\r\nend .\r\n.\r\n");
    for (std::size_t piece : {1, 2, 3, 7, 1000}) {
        INFO(piece);
        CHECK(unstuffed(block, piece) == message);
    }
    // No CRLF at the end: one is added before the lone period. Nothing: just the period.
    CHECK(dot_stuffed("no end") == "no end\r\n.\r\n");
    CHECK(dot_stuffed("") == ".\r\n");
    CHECK(unstuffed(".\r\n", 1).empty());
    // Stops at the end: what follows is the next command's.
    DotStuffedReader reader(1 << 20);
    std::string content;
    auto text = "a\r\n.\r\nQUIT\r\n"sv;
    CHECK(reader.feed(bytes_of(text), content) == 6);
    CHECK(reader.done());
    CHECK(content == "a\r\n");
}

TEST_CASE("Dot-stuffing: only CRLF.CRLF ends a block, so no second message hides behind a bare LF", "[wire][smtp][pop3]") {
    // SMTP smuggling: a period between bare LFs or CRs must not end the message; what
    // follows stays content. After a real CRLF the period is stuffing, taken off.
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"\n.\n", "first\n.\nMAIL FROM:<x@y>\r\n"},
        {"\r.\r", "first\r.\rMAIL FROM:<x@y>\r\n"},
        {"\n.\r\n", "first\n.\r\nMAIL FROM:<x@y>\r\n"},
        {"\r\n.\n", "first\r\n\nMAIL FROM:<x@y>\r\n"},
        {"\r\n.\rX", "first\r\n\rXMAIL FROM:<x@y>\r\n"},
    };
    for (const auto& [fake_end, content] : cases) {
        INFO(fake_end);
        CHECK(unstuffed("first" + std::string(fake_end) + "MAIL FROM:<x@y>\r\n.\r\n", 1) == content);
    }
    // Too large: read to its end all the same, the start kept, the size counted.
    DotStuffedReader small(4);
    std::string kept;
    auto block = "0123456789\r\n.\r\n"sv;
    CHECK(small.feed(bytes_of(block), kept) == block.size());
    CHECK(small.done());
    CHECK(small.too_large());
    CHECK(kept == "0123");
    CHECK(small.size() == 12);
}

TEST_CASE("SMTP commands end in CRLF only and keep their argument", "[wire][smtp]") {
    auto mail = read_smtp_command(bytes_of("mail FROM:<alice@a.example> SIZE=1200\r\nRCPT TO:<bob@b.example>\r\n"));
    REQUIRE(mail.complete());
    CHECK(mail.message == SmtpCommand{"MAIL", "FROM:<alice@a.example> SIZE=1200"});
    CHECK(mail.size == 39);
    CHECK(write_smtp_command(mail.message) == "MAIL FROM:<alice@a.example> SIZE=1200\r\n");
    CHECK(read_smtp_command(bytes_of("DATA\r\n")).message == SmtpCommand{"DATA", ""});
    std::string line = "EHLO client.a.example\r\n";
    for (std::size_t cut = 0; cut < line.size(); ++cut) {
        INFO(cut);
        CHECK(read_smtp_command(bytes_of(std::string_view(line).substr(0, cut))).state == TextRead<SmtpCommand>::State::incomplete);
    }
    auto refused = [](std::string_view text) { return read_smtp_command(bytes_of(text)).state == TextRead<SmtpCommand>::State::error; };
    CHECK(refused("QUIT\n"));  // RFC 5321 §2.3.8: a bare LF is no line end
    CHECK(refused("HE\rLO x\r\n"));
    CHECK(refused("HELO a\0b\r\n"sv));
    CHECK(refused("4ELO x\r\n"));
    CHECK(refused(std::string(3000, 'A')));  // over the limit before a line end arrives
}

TEST_CASE("SMTP replies: every line carries the code, the last a space", "[wire][smtp]") {
    std::string ehlo = "250-b.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n";
    auto reply = read_smtp_reply(bytes_of(ehlo));
    REQUIRE(reply.complete());
    CHECK(reply.size == ehlo.size());
    CHECK(reply.message.code == 250);
    CHECK(reply.message.lines == std::vector<std::string>{"b.example", "PIPELINING", "SIZE 10240000", "8BITMIME"});
    CHECK(write_smtp_reply(reply.message) == ehlo);
    for (std::size_t cut = 0; cut < ehlo.size(); ++cut) {
        INFO(cut);
        CHECK(read_smtp_reply(bytes_of(std::string_view(ehlo).substr(0, cut))).state == TextRead<SmtpReply>::State::incomplete);
    }
    // §4.2.1: the code alone is a whole last line.
    auto bare = read_smtp_reply(bytes_of("250\r\n"));
    REQUIRE(bare.complete());
    CHECK(bare.message.lines == std::vector<std::string>{""});
    CHECK(read_smtp_reply(bytes_of("250-a\r\n251 b\r\n")).state == TextRead<SmtpReply>::State::error);
    CHECK(read_smtp_reply(bytes_of("250-a\r\nb\r\n")).state == TextRead<SmtpReply>::State::error);
    CHECK(read_smtp_reply(bytes_of("250 ok\n")).state == TextRead<SmtpReply>::State::error);
}

TEST_CASE("SMTP paths: MAIL FROM and RCPT TO with their mailbox and parameters", "[wire][smtp]") {
    auto from = parse_mail_from("FROM:<alice@a.example> SIZE=1200 BODY=8BITMIME");
    REQUIRE(from);
    REQUIRE(from->mailbox);
    CHECK(from->mailbox->local_part == "alice");
    CHECK(from->mailbox->domain == "a.example");
    CHECK(from->parameter("size") == "1200");
    CHECK(from->parameter("BODY") == "8BITMIME");
    CHECK_FALSE(from->parameter("SMTPUTF8"));

    auto bounce = parse_mail_from("from: <>");  // the null path; a space after the colon is taken
    REQUIRE(bounce);
    CHECK_FALSE(bounce->mailbox);
    CHECK_FALSE(parse_rcpt_to("TO:<>"));

    auto routed = parse_rcpt_to("TO:<@relay.example,@hop.example:bob@b.example>");
    REQUIRE(routed);
    CHECK(routed->mailbox->to_string() == "bob@b.example");
    auto postmaster = parse_rcpt_to("TO:<Postmaster>");
    REQUIRE(postmaster);
    CHECK(postmaster->mailbox->to_string() == "Postmaster");
    auto quoted = parse_rcpt_to("TO:<\"bob smith>\"@b.example>");
    REQUIRE(quoted);
    CHECK(quoted->mailbox->local_part == "\"bob smith>\"");
    auto literal = parse_rcpt_to("TO:<bob@[10.0.2.25]>");
    REQUIRE(literal);
    CHECK(literal->mailbox->domain == "[10.0.2.25]");

    CHECK_FALSE(parse_mail_from("TO:<alice@a.example>"));
    CHECK_FALSE(parse_mail_from("FROM:alice@a.example"));
    CHECK_FALSE(parse_mail_from("FROM:<alice@a.example"));
    CHECK_FALSE(parse_mail_from("FROM:<alice@a.example>SIZE=1"));
    CHECK_FALSE(parse_mail_from("FROM:<alice@a.example> SIZE="));
    CHECK_FALSE(parse_mail_from("FROM:<alice@a.example> =1"));
    CHECK_FALSE(parse_rcpt_to("TO:<bob>"));
    CHECK_FALSE(parse_rcpt_to("TO:<bob..smith@b.example>"));
    CHECK_FALSE(parse_rcpt_to("TO:<bob@-b.example>"));
    CHECK_FALSE(parse_rcpt_to("TO:<bob@[10.0.2]>"));
    CHECK_FALSE(parse_rcpt_to("TO:<" + std::string(65, 'b') + "@b.example>"));
}

TEST_CASE("POP3 commands: a keyword and its arguments, and PASS keeps its spaces", "[wire][pop3]") {
    auto top = read_pop3_command(bytes_of("top 1 10\r\n"));
    REQUIRE(top.complete());
    CHECK(top.message.verb == "TOP");
    CHECK(top.message.arguments() == std::vector<std::string>{"1", "10"});
    CHECK(write_pop3_command(top.message) == "TOP 1 10\r\n");
    auto pass = read_pop3_command(bytes_of("PASS my secret words\r\n"));
    REQUIRE(pass.complete());
    CHECK(pass.message.argument == "my secret words");
    CHECK(pop3_answer_is_multi_line(Pop3Command{"LIST", ""}));
    CHECK_FALSE(pop3_answer_is_multi_line(Pop3Command{"LIST", "1"}));
    CHECK(pop3_answer_is_multi_line(Pop3Command{"RETR", "1"}));
    CHECK_FALSE(pop3_answer_is_multi_line(Pop3Command{"DELE", "1"}));
    auto refused = [](std::string_view text) { return read_pop3_command(bytes_of(text)).state == TextRead<Pop3Command>::State::error; };
    CHECK(refused("RETRIEVE 1\r\n"));
    CHECK(refused("RE\r\n"));
    CHECK(refused("USER a\0b\r\n"sv));
    CHECK(refused("USER " + std::string(300, 'a') + "\r\n"));  // RFC 2449 §4: 255 bytes at most
    // The limit counts a line as if it ended in CRLF, so one taken with a bare LF (found by
    // mail_fuzz) is still whole when written back.
    auto at_limit = "USER " + std::string(248, 'a');
    CHECK(read_pop3_command(bytes_of(at_limit + "\r\n")).complete());
    CHECK(refused(at_limit + "a\n"));
    auto bare = read_pop3_command(bytes_of(at_limit + "\n"));
    REQUIRE(bare.complete());
    CHECK(read_pop3_command(bytes_of(write_pop3_command(bare.message))).complete());
}

TEST_CASE("POP3 responses: a status line, and content to a lone period when the command has it", "[wire][pop3]") {
    std::string retr = "+OK 58 octets\r\nSubject: hi\r\n\r\n..a line that starts with a period\r\n.\r\n";
    auto response = read_pop3_response(bytes_of(retr), true);
    REQUIRE(response.complete());
    CHECK(response.size == retr.size());
    CHECK(response.message.status == Pop3Status::ok);
    CHECK(response.message.text == "58 octets");
    CHECK(response.message.body == "Subject: hi\r\n\r\n.a line that starts with a period\r\n");
    CHECK(write_pop3_response(response.message) == retr);
    for (std::size_t cut = 0; cut < retr.size(); ++cut) {
        INFO(cut);
        CHECK(read_pop3_response(bytes_of(std::string_view(retr).substr(0, cut)), true).state ==
              TextRead<Pop3Response>::State::incomplete);
    }
    // The same first line answering a command without content is all there is.
    auto single = read_pop3_response(bytes_of(retr), false);
    REQUIRE(single.complete());
    CHECK(single.size == 15);
    CHECK_FALSE(single.message.body);
    // -ERR never has content (RFC 1939 §3).
    auto error = read_pop3_response(bytes_of("-ERR no such message\r\n"), true);
    REQUIRE(error.complete());
    CHECK(error.message.status == Pop3Status::error);
    CHECK(error.message.text == "no such message");
    CHECK(read_pop3_response(bytes_of("OK fine\r\n"), false).state == TextRead<Pop3Response>::State::error);
    Pop3Limits limits;
    limits.body = 8;
    CHECK(read_pop3_response(bytes_of(retr), true, limits).state == TextRead<Pop3Response>::State::error);
}
