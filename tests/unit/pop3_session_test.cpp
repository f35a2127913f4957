// emu-maild's POP3 engine (nodes/maild/pop3_session): login, the maildrop as it was at
// login, deletions that happen only at QUIT, and one session per maildrop. No sockets.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "nodes/maild/pop3_session.hpp"

using namespace emu::mail;
using emu::wire::Pop3Command;
using emu::wire::Pop3Status;
namespace fs = std::filesystem;

namespace {

const auto kClient = emu::wire::IpAddress::parse("10.0.9.2").value();
const std::string kFirst = "Subject: one\r\n\r\nline 1\r\nline 2\r\n.hidden\r\n";
const std::string kSecond = "Subject: two\r\nFrom: alice@a.example\r\n\r\nbody\r\n";

struct Scratch {
    Scratch() {
        data = fs::temp_directory_path() / ("emu-pop3-session-" + std::to_string(::getpid()));
        fs::remove_all(data);
        config.hostname = "mail.b.example";
        config.domains = {"b.example"};
        config.users = {{"bob", "pw"}, {"carol", "pw2"}};
        config.postmaster = "bob";
        store.emplace(config, data);
        REQUIRE(store->deliver("bob", kFirst));
        REQUIRE(store->deliver("bob", kSecond));
    }
    ~Scratch() { fs::remove_all(data); }
    fs::path data;
    MailConfig config;
    std::optional<MailStore> store;
};

struct Client {
    explicit Client(Scratch& scratch) : session(scratch.config, *scratch.store, kClient) {}
    Pop3Outcome send(const std::string& line) {
        auto space = line.find(' ');
        return session.on_command(Pop3Command{line.substr(0, space), space == std::string::npos ? "" : line.substr(space + 1)});
    }
    // "+OK text" or "-ERR text", and the body when there is one.
    std::string answer(const std::string& line) {
        auto outcome = send(line);
        REQUIRE(outcome.responses.size() == 1);
        const auto& response = outcome.responses[0];
        auto text = std::string(response.status == Pop3Status::ok ? "+OK" : "-ERR") + " " + response.text;
        if (response.body) text += "\n" + *response.body;
        return text;
    }
    void log_in(const std::string& user = "bob", const std::string& password = "pw") {
        REQUIRE(answer("USER " + user).starts_with("+OK"));
        REQUIRE(answer("PASS " + password).starts_with("+OK"));
    }
    Pop3Session session;
};

}  // namespace

TEST_CASE("POP3 offers USER without SASL, and logs a user in only with the password", "[maild][pop3]") {
    Scratch scratch;
    Client client(scratch);
    CHECK(emu::wire::write_pop3_response(client.session.greeting()) == "+OK emu-maild POP3 ready on mail.b.example\r\n");
    CHECK(client.answer("CAPA") ==
          "+OK Capability list follows\nUSER\r\nUIDL\r\nTOP\r\nRESP-CODES\r\nPIPELINING\r\nIMPLEMENTATION emu-maild\r\n");
    CHECK(client.answer("STAT") == "-ERR Log in first, with USER and PASS");
    CHECK(client.answer("PASS pw") == "-ERR USER first");
    CHECK(client.answer("AUTH PLAIN") == "-ERR Not supported: log in with USER and PASS");
    CHECK(client.answer("USER nobody") == "+OK Send the password for nobody");  // no hint that it does not exist
    auto refused = client.send("PASS pw");
    CHECK(refused.responses[0].text == "[AUTH] Invalid login");
    REQUIRE(refused.log.size() == 1);
    CHECK(refused.log[0].event == "pop3.login_failed");
    CHECK_FALSE(refused.close);
    client.send("USER bob");
    client.send("PASS wrong");
    client.send("USER bob");
    CHECK(client.send("PASS wrong").close);  // the third failure
    Client good(scratch);
    CHECK(good.answer("USER Bob") == "+OK Send the password for Bob");
    auto in = good.send("PASS pw");
    CHECK(in.responses[0].text == "bob has 2 messages (" + std::to_string(kFirst.size() + kSecond.size()) + " octets)");
    CHECK(in.log[0].event == "pop3.login");
}

TEST_CASE("STAT, LIST, UIDL, RETR and TOP describe the maildrop as it was at login", "[maild][pop3]") {
    Scratch scratch;
    Client client(scratch);
    client.log_in();
    auto messages = scratch.store->mailbox("bob").messages().value();
    REQUIRE(messages.size() == 2);
    CHECK(client.answer("STAT") == "+OK 2 " + std::to_string(kFirst.size() + kSecond.size()));
    CHECK(client.answer("LIST") == "+OK 2 messages (" + std::to_string(kFirst.size() + kSecond.size()) + " octets)\n1 " +
                                       std::to_string(kFirst.size()) + "\r\n2 " + std::to_string(kSecond.size()) + "\r\n");
    CHECK(client.answer("LIST 2") == "+OK 2 " + std::to_string(kSecond.size()));
    CHECK(client.answer("UIDL") == "+OK Unique ids follow\n1 " + messages[0].unique + "\r\n2 " + messages[1].unique + "\r\n");
    CHECK(client.answer("UIDL 1") == "+OK 1 " + messages[0].unique);
    CHECK(client.answer("RETR 1") == "+OK " + std::to_string(kFirst.size()) + " octets\n" + kFirst);
    // On the wire the line starting with a period goes out stuffed (RFC 1939 §3).
    auto retr = client.send("RETR 1");
    CHECK(emu::wire::write_pop3_response(retr.responses[0]).find("\r\n..hidden\r\n.\r\n") != std::string::npos);
    CHECK(client.answer("TOP 1 1") == "+OK Top of message follows\nSubject: one\r\n\r\nline 1\r\n");
    CHECK(client.answer("TOP 2 0") == "+OK Top of message follows\nSubject: two\r\nFrom: alice@a.example\r\n\r\n");
    CHECK(client.answer("TOP 2 100") == "+OK Top of message follows\n" + kSecond);
    CHECK(client.answer("RETR 3") == "-ERR No such message: 3");
    CHECK(client.answer("RETR 0") == "-ERR No such message: 0");
    CHECK(client.answer("RETR x") == "-ERR No such message: x");
    CHECK(client.answer("TOP 1") == "-ERR TOP takes a message number and a line count");
    CHECK(client.answer("NOOP") == "+OK ");
    CHECK(client.answer("USER carol") == "-ERR Already logged in");
    // A message delivered after login is not in this session's maildrop.
    REQUIRE(scratch.store->deliver("bob", "Subject: three\r\n\r\n"));
    CHECK(client.answer("STAT").starts_with("+OK 2 "));
}

TEST_CASE("POP3 deletes only at QUIT: RSET undoes DELE, and a broken connection loses nothing", "[maild][pop3]") {
    Scratch scratch;
    auto count = [&] { return scratch.store->mailbox("bob").messages().value().size(); };
    {
        Client client(scratch);
        client.log_in();
        CHECK(client.answer("DELE 1") == "+OK Marked to be deleted at QUIT");
        CHECK(client.answer("DELE 1") == "-ERR Message 1 is deleted");
        CHECK(client.answer("RETR 1") == "-ERR Message 1 is deleted");
        CHECK(client.answer("STAT") == "+OK 1 " + std::to_string(kSecond.size()));
        CHECK(client.answer("LIST") == "+OK 1 messages (" + std::to_string(kSecond.size()) + " octets)\n2 " +
                                           std::to_string(kSecond.size()) + "\r\n");
        CHECK(client.answer("RSET").starts_with("+OK 2 messages"));
        CHECK(client.answer("DELE 2") == "+OK Marked to be deleted at QUIT");
        // The connection breaks here: the session ends without QUIT.
    }
    CHECK(count() == 2);
    Client client(scratch);
    client.log_in();
    CHECK(client.answer("DELE 1").starts_with("+OK"));
    auto quit = client.send("QUIT");
    CHECK(quit.close);
    CHECK(quit.responses[0].text == "emu-maild POP3 signing off (1 messages left)");
    CHECK(quit.log[0].detail == "user=bob removed=1 left=1");
    auto left = scratch.store->mailbox("bob").messages().value();
    REQUIRE(left.size() == 1);
    CHECK(scratch.store->mailbox("bob").read(left[0]).value() == kSecond);
}

TEST_CASE("A POP3 maildrop is one session's at a time", "[maild][pop3]") {
    Scratch scratch;
    std::optional<Client> first(std::in_place, scratch);
    first->log_in();
    Client second(scratch);
    second.send("USER bob");
    auto busy = second.send("PASS pw");
    CHECK(busy.responses[0].text == "[IN-USE] Another session has bob's maildrop");
    CHECK(busy.log[0].event == "pop3.in_use");
    // Another user's maildrop is free.
    Client carol(scratch);
    carol.log_in("carol", "pw2");
    first.reset();  // the first session ends
    second.log_in();
    auto idle = second.session.on_idle_timeout();
    CHECK(idle.close);
    CHECK(second.session.on_malformed("a bad line", true).close);
    CHECK_FALSE(second.session.on_malformed("a bad line", false).close);
}
