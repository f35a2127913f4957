// emu-maild's SMTP and POP3 engines fed what a hostile client may send, as their I/O loops
// feed them: the input is read as an SMTP client's stream (commands, and after a 354 a
// dot-stuffed message) and then as a POP3 client's. Neither engine may crash, leave a
// command without an answer, or keep a maildrop locked after its session ends.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "lib/wire/dot_stuffing.hpp"
#include "nodes/maild/pop3_session.hpp"
#include "nodes/maild/smtp_session.hpp"

using namespace emu;

namespace {

struct Fixture {
    Fixture() {
        data = std::filesystem::temp_directory_path() / ("emu-mail-session-fuzz-" + std::to_string(::getpid()));
        std::filesystem::remove_all(data);
        config.hostname = "mail.b.example";
        config.domains = {"b.example"};
        config.users = {{"bob", "pw"}, {"carol", "pw2"}};
        config.postmaster = "bob";
        config.maximum_size = 4096;
        config.relay_from = {wire::IpPrefix::parse("10.0.9.0/24").value()};
        store.emplace(config, data);
    }
    ~Fixture() { std::filesystem::remove_all(data); }
    std::filesystem::path data;
    mail::MailConfig config;
    std::optional<mail::MailStore> store;
};

wire::Bytes bytes_of(const std::string& text, std::size_t at) {
    return wire::Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()).subspan(at);
}

// What the fuzzer's deliveries leave is taken away now and then, so that a long run does
// not fill the disk.
void tidy(mail::MailStore& store) {
    for (const char* user : {"bob", "carol"}) {
        auto& box = store.mailbox(user);
        auto messages = box.messages();
        if (!messages || messages->size() < 64) continue;
        for (const auto& message : *messages) box.remove(message);
    }
    if (auto queued = store.queued(); queued && queued->size() >= 64) {
        for (const auto& message : *queued) store.dequeue(message);
    }
}

void fuzz_smtp(Fixture& fixture, const std::string& input) {
    mail::SmtpSession session(fixture.config, *fixture.store, wire::IpAddress::parse("10.0.9.2").value());
    std::size_t at = 0;
    while (at < input.size()) {
        auto read = wire::read_smtp_command(bytes_of(input, at));
        if (read.state == wire::TextRead<wire::SmtpCommand>::State::incomplete) return;
        mail::SmtpOutcome outcome;
        if (read.state == wire::TextRead<wire::SmtpCommand>::State::error) {
            auto end = input.find('\n', at);
            outcome = session.on_malformed(read.error, end == std::string::npos);
            at = end == std::string::npos ? input.size() : end + 1;
        } else {
            at += read.size;
            outcome = session.on_command(read.message, 1795000000);
        }
        if (outcome.replies.empty()) __builtin_trap();  // every command is answered
        if (outcome.next == mail::SmtpOutcome::Next::close) return;
        if (outcome.next != mail::SmtpOutcome::Next::message) continue;
        wire::DotStuffedReader reader(session.maximum_size());
        std::string content;
        at += reader.feed(bytes_of(input, at), content);
        if (!reader.done()) return;  // the connection ended mid-message: nothing is stored
        if (content.size() > session.maximum_size()) __builtin_trap();
        if (session.on_message(content, reader.too_large(), 1795000000).replies.empty()) __builtin_trap();
    }
}

void fuzz_pop3(Fixture& fixture, const std::string& input) {
    {
        mail::Pop3Session session(fixture.config, *fixture.store, wire::IpAddress::parse("10.0.9.2").value());
        std::size_t at = 0;
        while (at < input.size()) {
            auto read = wire::read_pop3_command(bytes_of(input, at));
            if (read.state == wire::TextRead<wire::Pop3Command>::State::incomplete) break;
            mail::Pop3Outcome outcome;
            if (read.state == wire::TextRead<wire::Pop3Command>::State::error) {
                auto end = input.find('\n', at);
                outcome = session.on_malformed(read.error, end == std::string::npos);
                at = end == std::string::npos ? input.size() : end + 1;
            } else {
                at += read.size;
                outcome = session.on_command(read.message);
            }
            if (outcome.responses.size() != 1) __builtin_trap();  // one answer per command
            if (outcome.close) break;
        }
    }
    // The session is over, however it ended: both maildrops are free again.
    for (const char* user : {"bob", "carol"}) {
        if (!fixture.store->lock(user)) __builtin_trap();
        fixture.store->unlock(user);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    std::string input(reinterpret_cast<const char*>(data), size);
    fuzz_smtp(fixture, input);
    fuzz_pop3(fixture, input);
    tidy(*fixture.store);
    return 0;
}
