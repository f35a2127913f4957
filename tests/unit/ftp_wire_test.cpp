// The FTP control-connection codec (lib/wire/ftp) against whole sessions of curl and lftp
// with vsftpd (tests/data/sessions, made by tests/data/frames/capture-ftp): commands with
// their Telnet bytes, single and multi-line replies, and the endpoints of PORT, PASV, EPRT
// and EPSV (RFC 959, 2428); each cut of a valid message seen as incomplete and hostile
// lines refused.
#include <algorithm>

#include <catch2/catch.hpp>

#include "lib/wire/ftp.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::wire;
using namespace std::string_view_literals;

namespace {

Bytes bytes_of(std::string_view text) { return Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()); }

FtpEndpoint v4(const char* address, std::uint16_t port) { return FtpEndpoint{*Ipv4Address::parse(address), port}; }

const char* const kSessions[] = {"ftp_curl_vsftpd_epsv", "ftp_curl_vsftpd_pasv", "ftp_curl_vsftpd_eprt",
                                 "ftp_curl_vsftpd_port", "ftp_curl_vsftpd_stor", "ftp_lftp_vsftpd_list"};

// Every message in `bytes`, read one after another with `read`; fails the test unless they
// take every byte, and unless each cut of the bytes reads as whole messages and then an
// incomplete one, never as an error.
template <typename Message, typename Read>
std::vector<Message> read_all(const std::vector<std::uint8_t>& bytes, Read read) {
    std::vector<Message> messages;
    std::size_t at = 0;
    while (at < bytes.size()) {
        auto result = read(Bytes(bytes).subspan(at));
        REQUIRE(result.state == TextRead<Message>::State::complete);
        messages.push_back(result.message);
        at += result.size;
    }
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        std::size_t from = 0;
        while (true) {
            auto result = read(Bytes(bytes).subspan(from, cut - from));
            if (result.state != TextRead<Message>::State::complete) {
                INFO("cut at " << cut);
                CHECK(result.state == TextRead<Message>::State::incomplete);
                break;
            }
            from += result.size;
        }
    }
    return messages;
}

std::vector<FtpCommand> commands_of(const std::string& session) {
    return read_all<FtpCommand>(emu::test::golden_session(session, "client"), [](Bytes b) { return read_ftp_command(b); });
}
std::vector<FtpReply> replies_of(const std::string& session) {
    return read_all<FtpReply>(emu::test::golden_session(session, "server"), [](Bytes b) { return read_ftp_reply(b); });
}

std::string text_of(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

}  // namespace

TEST_CASE("Every command of curl and lftp and every reply of vsftpd reads whole and writes back byte for byte",
          "[wire][golden][ftp]") {
    for (const char* session : kSessions) {
        INFO(session);
        std::string written;
        for (const auto& command : commands_of(session)) written += write_ftp_command(command);
        CHECK(written == text_of(emu::test::golden_session(session, "client")));
        written.clear();
        for (const auto& reply : replies_of(session)) written += write_ftp_reply(reply);
        CHECK(written == text_of(emu::test::golden_session(session, "server")));
    }
}

TEST_CASE("vsftpd's sessions say what the textbook says: a login, the data connection's endpoint, the transfer",
          "[wire][golden][ftp]") {
    // lftp: FEAT's multi-line answer (RFC 2389), then a listing over a passive connection.
    auto commands = commands_of("ftp_lftp_vsftpd_list");
    std::vector<std::string> verbs;
    for (const auto& command : commands) verbs.push_back(command.verb);
    CHECK(verbs == std::vector<std::string>{"FEAT", "USER", "PWD", "PASV", "LIST", "QUIT"});
    auto replies = replies_of("ftp_lftp_vsftpd_list");
    std::vector<int> codes;
    for (const auto& reply : replies) codes.push_back(reply.code);
    CHECK(codes == std::vector<int>{220, 211, 230, 257, 227, 150, 226, 221});
    CHECK(replies[0].text() == "(vsFTPd 3.0.3)");
    CHECK(replies[1].lines.front() == "Features:");
    CHECK(replies[1].lines[1] == " EPRT");
    CHECK(replies[1].lines.back() == "End");
    auto pasv = parse_pasv_reply(replies[4].text());
    REQUIRE(pasv);
    CHECK(pasv->address == IpAddress(*Ipv4Address::parse("10.0.9.1")));
    CHECK(pasv->port >= 50000);
    CHECK(pasv->port <= 50010);  // vsftpd's pasv_min_port and pasv_max_port

    // curl: EPSV's port (RFC 2428 §3), and the size before the transfer (RFC 3659 §4).
    auto epsv_replies = replies_of("ftp_curl_vsftpd_epsv");
    auto epsv = std::find_if(epsv_replies.begin(), epsv_replies.end(), [](const FtpReply& r) { return r.code == 229; });
    REQUIRE(epsv != epsv_replies.end());
    auto port = parse_epsv_reply(epsv->text());
    REQUIRE(port);
    CHECK(*port >= 50000);
    auto size = std::find_if(epsv_replies.begin(), epsv_replies.end(), [](const FtpReply& r) { return r.code == 213; });
    REQUIRE(size != epsv_replies.end());
    CHECK(size->text() == "6492");

    // Active mode: curl names its own address, by EPRT and by PORT.
    for (std::string verb : {"EPRT", "PORT"}) {
        auto session = verb == "EPRT" ? "ftp_curl_vsftpd_eprt" : "ftp_curl_vsftpd_port";
        INFO(session);
        auto sent = commands_of(session);
        auto active = std::find_if(sent.begin(), sent.end(), [&](const FtpCommand& c) { return c.verb == verb; });
        REQUIRE(active != sent.end());
        auto endpoint = verb == "EPRT" ? parse_eprt(active->argument) : parse_ftp_host_port(active->argument);
        REQUIRE(endpoint);
        CHECK(endpoint->address == IpAddress(*Ipv4Address::parse("10.0.9.2")));
    }
}

TEST_CASE("FTP commands: the verb in capitals, the argument as it came, Telnet bytes taken out", "[wire][ftp]") {
    auto retr = read_ftp_command(bytes_of("retr notes from class.txt\r\nNOOP\r\n"));
    REQUIRE(retr.complete());
    CHECK(retr.message == FtpCommand{"RETR", "notes from class.txt"});
    CHECK(retr.size == 27);
    CHECK(write_ftp_command(retr.message) == "RETR notes from class.txt\r\n");

    auto pwd = read_ftp_command(bytes_of("PWD\n"));  // a bare LF ends a line too
    REQUIRE(pwd.complete());
    CHECK(pwd.message == FtpCommand{"PWD", ""});
    CHECK(write_ftp_command(pwd.message) == "PWD\r\n");

    // RFC 959 §4.1.3: ABOR after the Telnet IP and Synch (IAC IP IAC DM), as lftp sends it;
    // IAC IAC is one 0xFF byte of the argument.
    auto abort = read_ftp_command(bytes_of("\xff\xf4\xff\xf2" "ABOR\r\n"));
    REQUIRE(abort.complete());
    CHECK(abort.message.verb == "ABOR");
    CHECK(abort.size == 10);
    auto escaped = read_ftp_command(bytes_of("STOR a\xff\xff" "b\r\n"));
    REQUIRE(escaped.complete());
    CHECK(escaped.message.argument == "a\xff" "b");
    CHECK(write_ftp_command(escaped.message) == "STOR a\xff\xff" "b\r\n");
}

TEST_CASE("FTP commands that are cut short are incomplete, and hostile ones are refused", "[wire][ftp]") {
    std::string command = "\xff\xf4\xff\xf2" "STOR upload.bin\r\n";
    for (std::size_t cut = 0; cut < command.size(); ++cut) {
        INFO(cut);
        CHECK(read_ftp_command(bytes_of(std::string_view(command).substr(0, cut))).state == TextRead<FtpCommand>::State::incomplete);
    }
    auto refused = [](std::string_view text) { return read_ftp_command(bytes_of(text)).state == TextRead<FtpCommand>::State::error; };
    CHECK(refused("RETR a\0b\r\n"sv));          // a NUL would cut a path short in C
    CHECK(refused("RE\r\n"));                   // too short a verb
    CHECK(refused("RETRIEVE x\r\n"));           // too long
    CHECK(refused("RE1R x\r\n"));               // not letters
    CHECK(refused("RETR a\rb\r\n"));            // a CR alone
    CHECK(refused("\xff\xfb\x01USER x\r\n"));   // Telnet WILL ECHO: no negotiation here
    FtpLimits limits;
    limits.line = 16;
    CHECK(read_ftp_command(bytes_of("RETR 0123456789\r\n"), limits).state == TextRead<FtpCommand>::State::error);
    // Over the limit before the line ends: refused at once, not buffered.
    CHECK(read_ftp_command(bytes_of("RETR 01234567890123"), limits).state == TextRead<FtpCommand>::State::error);
    CHECK(read_ftp_command(bytes_of("RETR 0123456789\r\n"), FtpLimits{}).complete());
    // A bare LF counts as CRLF would, so what is read fits again when written back.
    CHECK(read_ftp_command(bytes_of("RETR 012345678\r\n"), limits).complete());
    CHECK(read_ftp_command(bytes_of("RETR 012345678\n"), limits).complete());
    CHECK(read_ftp_command(bytes_of("RETR 0123456789\n"), limits).state == TextRead<FtpCommand>::State::error);
}

TEST_CASE("FTP replies: one line, and a multi-line FEAT whose middle lines are kept as sent", "[wire][ftp]") {
    auto welcome = read_ftp_reply(bytes_of("220 (vsFTPd 3.0.3)\r\n"));
    REQUIRE(welcome.complete());
    CHECK(welcome.message.code == 220);
    CHECK(welcome.message.lines == std::vector<std::string>{"(vsFTPd 3.0.3)"});

    // RFC 2389 §3.2: each feature on a line that starts with a space.
    std::string feat = "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n211 End\r\n";
    auto features = read_ftp_reply(bytes_of(feat + "221 Bye\r\n"));
    REQUIRE(features.complete());
    CHECK(features.size == feat.size());
    CHECK(features.message.code == 211);
    CHECK(features.message.lines.size() == 8);
    CHECK(features.message.lines[1] == " EPRT");
    CHECK(features.message.lines.back() == "End");
    CHECK(write_ftp_reply(features.message) == feat);
    for (std::size_t cut = 0; cut < feat.size(); ++cut) {
        INFO(cut);
        CHECK(read_ftp_reply(bytes_of(std::string_view(feat).substr(0, cut))).state == TextRead<FtpReply>::State::incomplete);
    }

    // RFC 959 §4.2: a middle line with another code, or the same code and a hyphen, does not
    // end the reply; only the same code and a space does.
    auto nested = read_ftp_reply(bytes_of("123-First line\r\n234 A line beginning with numbers\r\n123-still\r\n123 The last line\r\n"));
    REQUIRE(nested.complete());
    CHECK(nested.message.lines.size() == 4);
    // A server that has such a line to say pads it, so the reply does not end early.
    FtpReply padded{214, {"Help:", "214 is not the end", "End"}};
    CHECK(write_ftp_reply(padded) == "214-Help:\r\n 214 is not the end\r\n214 End\r\n");
}

TEST_CASE("FTP replies that are not replies are refused", "[wire][ftp]") {
    auto refused = [](std::string_view text) { return read_ftp_reply(bytes_of(text)).state == TextRead<FtpReply>::State::error; };
    CHECK(refused("Hello\r\n"));
    CHECK(refused("22 short\r\n"));
    CHECK(refused("620 no such class\r\n"));
    CHECK(refused("220x\r\n"));
    FtpLimits limits;
    limits.reply_lines = 3;
    CHECK(read_ftp_reply(bytes_of("211-a\r\nb\r\nc\r\n211 d\r\n"), limits).state == TextRead<FtpReply>::State::error);
    CHECK(read_ftp_reply(bytes_of("211-a\r\nb\r\n211 d\r\n"), limits).complete());
}

TEST_CASE("PORT and PASV name an endpoint as six numbers, EPRT and EPSV as delimited fields", "[wire][ftp]") {
    // RFC 959 §4.1.2: 10,0,2,21,195,179 is 10.0.2.21 port 195 × 256 + 179.
    CHECK(parse_ftp_host_port("10,0,2,21,195,179") == v4("10.0.2.21", 50099));
    CHECK(write_ftp_host_port(v4("10.0.2.21", 50099)) == "10,0,2,21,195,179");
    CHECK_FALSE(parse_ftp_host_port("10,0,2,21,195"));
    CHECK_FALSE(parse_ftp_host_port("10,0,2,21,256,1"));
    CHECK_FALSE(parse_ftp_host_port("10,0,2,21,1,1,"));
    CHECK_FALSE(parse_ftp_host_port("10,0,2,21,-1,1"));
    CHECK_FALSE(parse_ftp_host_port("10,0,2,21,000001,1"));

    // RFC 1123 §4.1.2.6: the numbers wherever they stand in the 227 text.
    CHECK(parse_pasv_reply("Entering Passive Mode (10,0,2,21,195,179).") == v4("10.0.2.21", 50099));
    CHECK(parse_pasv_reply("Entering Passive Mode 10,0,2,21,195,179") == v4("10.0.2.21", 50099));
    CHECK_FALSE(parse_pasv_reply("Entering Passive Mode"));

    // RFC 2428 §2's own examples, and any delimiter from 33 to 126.
    auto eprt = parse_eprt("|1|132.235.1.2|6275|");
    REQUIRE(eprt);
    CHECK(*eprt == v4("132.235.1.2", 6275));
    CHECK(write_eprt(*eprt) == "|1|132.235.1.2|6275|");
    auto eprt6 = parse_eprt("|2|1080::8:800:200C:417A|5282|");
    REQUIRE(eprt6);
    CHECK(eprt6->address.is_v6());
    CHECK(eprt6->port == 5282);
    CHECK(parse_eprt("!1!10.0.2.1!2000!") == v4("10.0.2.1", 2000));
    CHECK_FALSE(parse_eprt("|2|132.235.1.2|6275|"));  // family and address disagree
    CHECK_FALSE(parse_eprt("|1|132.235.1.2|0|"));
    CHECK_FALSE(parse_eprt("|1|132.235.1.2|65536|"));
    CHECK_FALSE(parse_eprt("|1|132.235.1.2|6275"));
    CHECK_FALSE(parse_eprt(" 1 132.235.1.2 6275 "));

    CHECK(parse_epsv_reply("Entering Extended Passive Mode (|||6446|)") == std::uint16_t{6446});
    CHECK(write_epsv_reply_text(6446) == "Entering Extended Passive Mode (|||6446|)");
    CHECK_FALSE(parse_epsv_reply("Entering Extended Passive Mode (|1|10.0.0.1|6446|)"));
    CHECK_FALSE(parse_epsv_reply("Entering Extended Passive Mode"));
    CHECK_FALSE(parse_epsv_reply("Entering Extended Passive Mode (|||x|)"));
}
