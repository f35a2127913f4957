// emu-maild in a lab against stock clients: swaks and curl send over SMTP, plain and
// pipelined, a MIME message among them; curl reads, lists and deletes over POP3; relaying
// is refused and logged; and mail survives emu-maild being killed with SIGKILL, while a
// message cut off in DATA never appears. Needs root and ci/deps' packages.
#include <catch2/catch.hpp>

#include <csignal>

#include <fmt/format.h>

#include "tests/integration/harness.hpp"

using namespace emu::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kMailLab = R"(name: mail
nodes:
  lan: {kind: switch}
  mx:
    kind: server
    interfaces: {eth0: 10.0.9.25/24}
    services:
      smtp:
        domains: [b.example]
        users: {bob: secret, carol: pw}
        hostname: mail.b.example
      pop3: {}
  cli: {interfaces: {eth0: 10.0.9.2/24}}
links:
  - endpoints: [mx:eth0, lan]
  - endpoints: [cli:eth0, lan]
)";

// A message with two MIME parts, one of them base64, written with CRLF line ends.
constexpr const char* kMime =
    "From: alice@a.example\r\nTo: bob@b.example\r\nSubject: the notes\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    "Caf\xc3\xa9 at noon.\r\n.A line that starts with a period.\r\n--XX\r\nContent-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n--XX--\r\n";

CommandResult in_cli(TestDaemon& daemon, const std::string& lab, const std::string& script) {
    return run_in_node(daemon, lab, "cli", script);
}

std::filesystem::path mailbox_of(TestDaemon& daemon, const std::string& lab, const std::string& user) {
    return daemon.state_dir() / "labs" / lab / "nodes" / "mx" / "smtp" / "mail" / user;
}

std::size_t files_in(const std::filesystem::path& directory) {
    std::size_t count = 0;
    std::error_code error;
    for (auto it = std::filesystem::directory_iterator(directory, error); !error && it != std::filesystem::directory_iterator(); ++it) ++count;
    return count;
}

const std::string kSwaks = "swaks --server 10.0.9.25 --from alice@a.example --helo client.a.example --timeout 5 ";

}  // namespace

TEST_CASE("swaks and curl send to emu-maild, and curl lists, reads and deletes over POP3", "[root][interop][mail]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("imaild");
    TopologyFile topology("mail", kMailLab);
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    auto cli = [&](const std::string& script) {
        auto result = in_cli(daemon, lab, script);
        INFO(script << "\n" << result.out << result.err);
        CHECK(result.ok());
        return result.out;
    };
    REQUIRE(wait_until([&] { return in_cli(daemon, lab, kSwaks + "--to bob@b.example --quit-after EHLO").ok(); }, 5s));

    cli(kSwaks + "--to bob@b.example --header 'Subject: plain' --body 'Hello Bob.'");
    cli(kSwaks + "--pipeline --to bob@b.example,carol@b.example --header 'Subject: pipelined' --body 'To you both.'");
    // The message file lives in the test's own directory, which goes with its daemon.
    const auto eml = (daemon.state_dir() / "mime.eml").string();
    auto written = in_cli(daemon, lab, fmt::format("printf '%s' '{}' > {}", std::string(kMime), eml));
    REQUIRE(written.ok());
    cli("curl -s --max-time 5 smtp://10.0.9.25/client.a.example --mail-from alice@a.example --mail-rcpt bob@b.example "
        "-T " + eml);
    // Not an open relay: mail for another domain is refused, and the refusal logged.
    auto relay = in_cli(daemon, lab, kSwaks + "--to dave@elsewhere.example --body 'relay me'");
    CHECK_FALSE(relay.ok());
    CHECK(contains(relay.out, "<** 554 Relay access denied: dave@elsewhere.example"));
    CHECK(logged(daemon, lab, "mx", "smtp.relay_refused from=10.0.9.2 sender=<alice@a.example> recipient=<dave@elsewhere.example>"));
    CHECK(files_in(mailbox_of(daemon, lab, "bob") / "new") == 3);
    CHECK(files_in(mailbox_of(daemon, lab, "carol") / "new") == 1);

    // POP3: the list, the MIME message byte for byte, a deletion that takes effect at QUIT.
    auto listing = cli("curl -s --max-time 5 pop3://bob:secret@10.0.9.25/");
    CHECK(count_of(listing, "\r\n") == 3);
    CHECK(listing.starts_with("1 "));
    auto third = cli("curl -s --max-time 5 pop3://bob:secret@10.0.9.25/3");
    CHECK(third.ends_with(kMime));
    CHECK(third.starts_with("Return-Path: <alice@a.example>\r\nReceived: from client.a.example (10.0.9.2)\r\n"));
    auto first = cli("curl -s --max-time 5 pop3://bob:secret@10.0.9.25/1");
    CHECK(contains(first, "Subject: plain"));
    cli("curl -s --max-time 5 -X DELE -I pop3://bob:secret@10.0.9.25/1");
    listing = cli("curl -s --max-time 5 pop3://bob:secret@10.0.9.25/");
    CHECK(count_of(listing, "\r\n") == 2);
    CHECK(files_in(mailbox_of(daemon, lab, "bob") / "new") == 2);
    auto wrong = in_cli(daemon, lab, "curl -s --max-time 5 pop3://bob:guess@10.0.9.25/");
    CHECK_FALSE(wrong.ok());
    CHECK(logged(daemon, lab, "mx", "pop3.login_failed user=bob from=10.0.9.2"));

    auto trace = daemon.emu({"trace", lab, "--protocol", "smtp", "--protocol", "pop3"}).out;
    INFO(trace.substr(0, 20000));
    CHECK(contains(trace, "SMTP MAIL FROM:<alice@a.example>"));
    CHECK(contains(trace, "SMTP 554 Relay access denied: dave@elsewhere.example"));
    CHECK(contains(trace, "Subject: the notes, from alice@a.example, to bob@b.example"));
    CHECK(contains(trace, "POP3 USER bob"));
    CHECK(contains(trace, "POP3 RETR 3"));
    CHECK(contains(trace, "POP3 DELE 1"));
}

TEST_CASE("Mail acknowledged with 250 survives emu-maild killed with SIGKILL, and a message cut off in DATA never appears",
          "[root][interop][mail]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("imailkill");
    TopologyFile topology("mail", kMailLab);
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return in_cli(daemon, lab, kSwaks + "--to bob@b.example --quit-after EHLO").ok(); }, 5s));
    auto inbox = mailbox_of(daemon, lab, "bob");

    // Killed the moment swaks has its 250 and has quit.
    REQUIRE(in_cli(daemon, lab, kSwaks + "--to bob@b.example --header 'Subject: kept' --body 'Still here.'").ok());
    auto server = process_pid(daemon, lab, "mx", "smtp");
    REQUIRE(server > 0);
    REQUIRE(::kill(server, SIGKILL) == 0);
    REQUIRE(wait_until([&] { auto pid = process_pid(daemon, lab, "mx", "smtp"); return pid > 0 && pid != server; }, 10s));
    REQUIRE(wait_until([&] { return in_cli(daemon, lab, "curl -s --max-time 2 pop3://bob:secret@10.0.9.25/").ok(); }, 5s));
    auto kept = in_cli(daemon, lab, "curl -s --max-time 5 pop3://bob:secret@10.0.9.25/1");
    CHECK(contains(kept.out, "Subject: kept"));
    CHECK(contains(kept.out, "Still here."));

    // A shell client stops halfway through a message; the server is killed while it waits.
    BackgroundCommand cut({program("emu"), "exec", lab, "cli", "--", "bash", "-c", R"(exec 3<>/dev/tcp/10.0.9.25/25
reply() { while read -r line <&3; do echo "$line"; [[ "${line:3:1}" == "-" ]] || break; done; }
reply; printf 'EHLO client.a.example\r\n' >&3; reply
printf 'MAIL FROM:<alice@a.example>\r\n' >&3; reply
printf 'RCPT TO:<bob@b.example>\r\n' >&3; reply
printf 'DATA\r\n' >&3; reply
printf 'Subject: cut\r\n\r\nThe first half, and then\r\n' >&3
echo sent-half
read -r line <&3 || echo closed)"},
                          daemon.environment());
    REQUIRE(cut.wait_for_output("sent-half", 10s));
    CHECK(contains(cut.output(), "354 "));
    server = process_pid(daemon, lab, "mx", "smtp");
    REQUIRE(::kill(server, SIGKILL) == 0);
    REQUIRE(wait_until([&] { auto pid = process_pid(daemon, lab, "mx", "smtp"); return pid > 0 && pid != server; }, 10s));
    CHECK(cut.wait(10s) == 0);
    CHECK(contains(cut.output(), "closed"));
    CHECK(files_in(inbox / "new") == 1);
    CHECK(files_in(inbox / "tmp") == 0);
    auto listing = in_cli(daemon, lab, "curl -s --max-time 5 pop3://bob:secret@10.0.9.25/");
    CHECK(count_of(listing.out, "\r\n") == 1);
}

TEST_CASE("the mail scenario: MX lookups, SMTP to alice's server and on to bob's, POP3, and the message gone after",
          "[root][interop][mail][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("smail");
    auto run = daemon.emu({"run", EMU_SOURCE_DIR "/topologies/mail/send.scenario.yaml", "--name", lab});
    INFO(run.out << run.err);
    CHECK(run.ok());
    CHECK(contains(run.out, "PASSED: 22 passed, 0 failed, 0 skipped"));
}

TEST_CASE("mail the next server refuses for good comes back to its sender as a bounce, which she reads over POP3",
          "[root][interop][mail]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("ibounce");
    REQUIRE(daemon.emu({"up", EMU_SOURCE_DIR "/topologies/mail/mail.yaml", "--name", lab}).ok());
    auto alice = [&](const std::vector<std::string>& arguments) {
        std::vector<std::string> command{"exec", lab, "alice", "--", "emu-host", "mail"};
        command.insert(command.end(), arguments.begin(), arguments.end());
        return daemon.emu(command);
    };
    REQUIRE(wait_until([&] { return alice({"fetch", "--keep", "--user", "alice@a.example", "--password", "wonderland"}).ok(); }, 5s));
    // mail.a.example takes it (the domain is not its to judge), then mail.b.example refuses the
    // recipient: 550, a permanent failure, so it is returned at once.
    auto sent = alice({"send", "--from", "alice@a.example", "--to", "nobody@b.example", "--subject", "Hello?", "--body", "Anyone?"});
    INFO(sent.err);
    REQUIRE(sent.ok());
    CommandResult fetched;
    REQUIRE(wait_until([&] {
        fetched = alice({"fetch", "--keep", "--user", "alice@a.example", "--password", "wonderland"});
        return contains(fetched.err, "1 message from");
    }, 10s));
    INFO(fetched.out);
    CHECK(contains(fetched.out, "From: Mail Delivery System <MAILER-DAEMON@mail.a.example>"));
    CHECK(contains(fetched.out, "Subject: Undelivered Mail Returned to Sender"));
    CHECK(contains(fetched.out,
                   "<nobody@b.example>: mail.b.example (10.0.2.25): RCPT TO:<nobody@b.example>: 550 Mailbox unavailable: nobody@b.example"));
    CHECK(contains(fetched.out, "Subject: Hello?"));  // the returned message's header
    CHECK(contains(fetched.out, "Return-Path: <>"));
    auto logs = daemon.emu({"logs", lab, "mail-a"}).out;
    CHECK(contains(logs, "relay.refused id="));
    CHECK(contains(logs, "relay.bounced id="));
    // And bob's server logged the refusal on its side.
    CHECK(contains(daemon.emu({"logs", lab, "mail-b"}).out, "smtp.unknown_recipient from=10.0.1.25 sender=<alice@a.example> recipient=<nobody@b.example>"));
    // From outside a.example's network, mail.a.example takes nothing for other domains.
    auto relay = daemon.emu({"exec", lab, "bob", "--", "emu-host", "mail", "send", "--server", "mail.a.example", "--from",
                             "bob@b.example", "--to", "carol@c.example", "--body", "relay me"});
    CHECK(relay.exit_code == 1);
    CHECK(contains(relay.err, "554 Relay access denied: carol@c.example"));
}
