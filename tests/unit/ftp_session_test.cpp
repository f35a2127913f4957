// emu-ftpd's session engine (nodes/ftpd/ftp_session): one control connection's commands
// answered over a scratch directory, the data connections asked of the I/O layer as
// actions, and the refusals a server owes its host (traversal, bounce, writes by the
// anonymous user) logged. No sockets, no root.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "lib/util/files.hpp"
#include "nodes/ftpd/ascii_transfer.hpp"
#include "nodes/ftpd/ftp_session.hpp"
#include "nodes/ftpd/listing.hpp"

using namespace emu::ftp;
namespace fs = std::filesystem;

namespace {

const auto kServer = emu::wire::IpAddress::parse("10.0.9.1").value();
const auto kClient = emu::wire::IpAddress::parse("10.0.9.2").value();
constexpr std::time_t kNow = 1795000000;  // 2026-11-18 11:06:40 UTC

// A root with a few files, a link leading out of it and a secret beside it.
struct Scratch {
    Scratch() {
        base = fs::temp_directory_path() / ("emu-ftp-session-" + std::to_string(::getpid()));
        fs::remove_all(base);
        fs::create_directories(base / "root" / "docs");
        std::ofstream(base / "secret.txt") << "outside\n";
        std::ofstream(base / "root" / "docs" / "notes.txt") << "one\ntwo\n";
        std::ofstream(base / "root" / "hello.txt") << "hello, world\n";
        fs::create_directory_symlink(base, base / "root" / "escape");
        config.root = base / "root";
        config.users["alice"] = Account{"secret", true};
        config.users["reader"] = Account{"letmein", false};
        config.anonymous = true;
    }
    ~Scratch() { fs::remove_all(base); }
    fs::path base;
    ServerConfig config;
};

// A client's side of the control connection, talking straight to the engine.
struct Control {
    explicit Control(Scratch& scratch)
        : files(FileRoot::open(scratch.config.root).value()), session(scratch.config, files, kServer, kClient) {}

    Outcome send(const std::string& line) {
        auto space = line.find(' ');
        emu::wire::FtpCommand command{line.substr(0, space), space == std::string::npos ? "" : line.substr(space + 1)};
        return session.on_command(command, kNow);
    }
    int code(const std::string& line) {
        auto outcome = send(line);
        return outcome.replies.empty() ? 0 : outcome.replies.back().code;
    }
    void log_in(const std::string& user = "alice", const std::string& password = "secret") {
        REQUIRE(code("USER " + user) == 331);
        REQUIRE(code("PASS " + password) == 230);
    }
    // PASV, and the I/O layer's listener on `port`.
    Outcome passive(std::uint16_t port = 50001) {
        auto asked = send("PASV");
        REQUIRE(std::holds_alternative<OpenPassive>(asked.action));
        return session.on_passive_opened(port);
    }

    FileRoot files;
    Session session;
};

bool logged(const Outcome& outcome, const std::string& event) {
    for (const auto& line : outcome.log) {
        if (line.event == event) return true;
    }
    return false;
}

std::string read_fd(int fd, std::uint64_t offset) {
    std::string text;
    char buffer[256];
    for (ssize_t n; (n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(offset + text.size()))) > 0;) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

void write_fd(int fd, const std::string& text) { REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())); }

}  // namespace

TEST_CASE("An FTP login takes a known user's password and nothing else, and closes after three failures",
          "[ftpd][session]") {
    Scratch scratch;
    Control control(scratch);
    CHECK(control.session.greeting().code == 220);
    // FEAT and SYST are answered before login (RFC 2389 §3); files are not.
    auto features = control.send("FEAT");
    REQUIRE(features.replies.size() == 1);
    CHECK(emu::wire::write_ftp_reply(features.replies[0]) ==
          "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n211 End\r\n");
    CHECK(control.code("SYST") == 215);
    CHECK(control.code("PWD") == 530);
    CHECK(control.code("PASS secret") == 503);
    // An unknown name is asked for a password like any other, then refused like a wrong one.
    CHECK(control.code("USER mallory") == 331);
    auto refused = control.send("PASS guess");
    CHECK(refused.replies.back().code == 530);
    CHECK(logged(refused, "ftp.login_failed"));
    CHECK(std::holds_alternative<std::monostate>(refused.action));
    CHECK(control.code("USER alice") == 331);
    CHECK(control.code("PASS wrong") == 530);
    CHECK(control.code("USER alice") == 331);
    auto third = control.send("PASS wrong again");
    CHECK(third.replies.back().code == 530);
    CHECK(std::holds_alternative<CloseControl>(third.action));

    Control second(scratch);
    second.log_in();
    CHECK(second.session.user() == "alice");
    CHECK(second.code("PASS secret") == 230);  // already in
    auto quit = second.send("QUIT");
    CHECK(quit.replies.back().code == 221);
    CHECK(std::holds_alternative<CloseControl>(quit.action));
}

TEST_CASE("The anonymous FTP user reads but never writes, and only when the server allows it", "[ftpd][session]") {
    Scratch scratch;
    Control control(scratch);
    control.log_in("anonymous", "guest@example.com");
    CHECK(control.session.user() == "anonymous");
    control.passive();
    auto stored = control.send("STOR upload.txt");
    CHECK(stored.replies.back().code == 550);
    CHECK(logged(stored, "ftp.write_refused"));
    for (const auto* command : {"DELE hello.txt", "MKD new", "RMD docs", "RNFR hello.txt", "APPE hello.txt"}) {
        INFO(command);
        CHECK(control.code(command) == 550);
    }
    CHECK(fs::exists(scratch.config.root / "hello.txt"));
    auto fetched = control.send("RETR hello.txt");
    CHECK(std::holds_alternative<DataTransfer>(fetched.action));

    // A user whose account says `write: false` is held to the same.
    Control reader(scratch);
    reader.log_in("reader", "letmein");
    CHECK(reader.code("MKD new") == 550);

    scratch.config.anonymous = false;
    Control closed(scratch);
    CHECK(closed.code("USER anonymous") == 331);
    CHECK(closed.code("PASS guest@example.com") == 530);
}

TEST_CASE("FTP paths move about the user's files and every way out of them is refused and logged",
          "[ftpd][session]") {
    Scratch scratch;
    Control control(scratch);
    control.log_in();
    CHECK(control.send("PWD").replies[0].lines[0] == "\"/\" is the current directory.");
    CHECK(control.code("CWD docs") == 250);
    CHECK(control.send("PWD").replies[0].lines[0] == "\"/docs\" is the current directory.");
    CHECK(control.code("CDUP") == 250);
    CHECK(control.send("PWD").replies[0].lines[0] == "\"/\" is the current directory.");
    CHECK(control.code("CWD hello.txt") == 550);  // a file
    CHECK(control.code("CWD nowhere") == 550);
    // Climbing above the root, by name or through a link that points outside.
    auto climb = control.send("CWD ../..");
    CHECK(climb.replies.back().code == 550);
    CHECK(logged(climb, "ftp.path_refused"));
    control.passive();
    auto secret = control.send("RETR /../secret.txt");
    CHECK(secret.replies.back().code == 550);
    CHECK(logged(secret, "ftp.path_refused"));
    auto linked = control.send("RETR escape/secret.txt");
    CHECK(linked.replies.back().code == 550);
    CHECK(logged(linked, "ftp.path_refused"));
    CHECK(logged(control.send("CWD escape"), "ftp.path_refused"));
    CHECK(control.send("PWD").replies[0].lines[0] == "\"/\" is the current directory.");
    // A name with a quote in it is quoted with the quote doubled (RFC 959 Appendix II).
    auto made = control.send("MKD say \"hi\"");
    REQUIRE(made.replies.back().code == 257);
    CHECK(made.replies.back().lines[0] == "\"/say \"\"hi\"\"\" created.");
}

TEST_CASE("PASV and EPSV ask for a listener and answer with its port, once per transfer", "[ftpd][session]") {
    Scratch scratch;
    Control control(scratch);
    control.log_in();
    CHECK(control.code("RETR hello.txt") == 425);  // no data connection set up
    auto opened = control.passive(50001);
    CHECK(opened.replies[0].code == 227);
    CHECK(opened.replies[0].lines[0] == "Entering Passive Mode (10,0,9,1,195,81).");
    CHECK(emu::wire::parse_pasv_reply(opened.replies[0].lines[0]).value().port == 50001);
    CHECK(control.code("TYPE I") == 200);
    auto retrieved = control.send("RETR hello.txt");
    REQUIRE(std::holds_alternative<DataTransfer>(retrieved.action));
    auto& data = std::get<DataTransfer>(retrieved.action);
    CHECK(data.direction == DataTransfer::Direction::send);
    CHECK_FALSE(data.connect_to);  // passive: the I/O layer accepts
    CHECK_FALSE(data.ascii);
    CHECK(data.opening.code == 150);
    CHECK(data.opening.lines[0] == "Opening BINARY mode data connection for /hello.txt (13 bytes).");
    CHECK(read_fd(data.file.get(), data.offset) == "hello, world\n");
    CHECK(control.session.transferring());
    auto finished = control.session.on_transfer_end(TransferEnd::done, 13);
    CHECK(finished.replies.back().code == 226);
    CHECK(logged(finished, "ftp.transfer"));
    CHECK_FALSE(control.session.transferring());
    // The listener served one transfer; the next needs its own.
    CHECK(control.code("RETR hello.txt") == 425);

    auto extended = control.send("EPSV");
    REQUIRE(std::holds_alternative<OpenPassive>(extended.action));
    auto epsv = control.session.on_passive_opened(50002);
    CHECK(epsv.replies[0].code == 229);
    CHECK(epsv.replies[0].lines[0] == "Entering Extended Passive Mode (|||50002|)");
    CHECK(control.code("EPSV 2") == 522);  // IPv6 asked on an IPv4 connection
    auto failed = control.send("PASV");
    REQUIRE(std::holds_alternative<OpenPassive>(failed.action));
    auto no_port = control.session.on_passive_failed("every port of 50000-50099 in use");
    CHECK(no_port.replies[0].code == 425);
    CHECK(logged(no_port, "ftp.passive_failed"));
    // After EPSV ALL only EPSV sets up data connections (RFC 2428 §4).
    CHECK(control.code("EPSV ALL") == 200);
    CHECK(control.code("PASV") == 501);
    CHECK(control.code("PORT 10,0,9,2,200,10") == 501);
}

TEST_CASE("PORT and EPRT name a port on the client itself, and a bounce to anyone else is refused",
          "[ftpd][session]") {
    Scratch scratch;
    Control control(scratch);
    control.log_in();
    CHECK(control.code("PORT 10,0,9,2,200,10") == 200);
    auto listed = control.send("NLST");
    REQUIRE(std::holds_alternative<DataTransfer>(listed.action));
    auto& data = std::get<DataTransfer>(listed.action);
    REQUIRE(data.connect_to);
    CHECK(data.connect_to->address == kClient);
    CHECK(data.connect_to->port == 200 * 256 + 10);
    CHECK(data.listing == "docs\r\nescape\r\nhello.txt\r\n");
    control.session.on_transfer_end(TransferEnd::done, data.listing.size());

    // RFC 2577 §3: to a third host, or to a privileged port, never.
    auto bounce = control.send("PORT 10,0,9,3,0,25");
    CHECK(bounce.replies.back().code == 500);
    CHECK(logged(bounce, "ftp.bounce_refused"));
    CHECK(bounce.log[0].detail == "user=alice from=10.0.9.2 asked=10.0.9.3:25");
    CHECK(control.code("RETR hello.txt") == 425);  // the refused PORT set nothing up
    CHECK(logged(control.send("EPRT |1|10.0.9.3|6000|"), "ftp.bounce_refused"));
    CHECK(logged(control.send("PORT 10,0,9,2,0,22"), "ftp.bounce_refused"));
    CHECK(control.code("EPRT |1|10.0.9.2|6000|") == 200);
    CHECK(control.code("EPRT |2|::1|6000|") == 522);
    CHECK(control.code("EPRT |3|x|6000|") == 522);
    CHECK(control.code("EPRT garbage") == 501);
    CHECK(control.code("PORT 10,0,9,2,200") == 501);
}

TEST_CASE("STOR, APPE and REST store an upload only once it is whole, and an aborted one not at all",
          "[ftpd][session]") {
    Scratch scratch;
    Control control(scratch);
    control.log_in();
    auto target = scratch.config.root / "docs" / "up.bin";
    CHECK(control.code("REST 4") == 504);  // TYPE A: an offset would count converted line ends

    control.passive();
    auto stored = control.send("STOR docs/up.bin");
    REQUIRE(std::holds_alternative<DataTransfer>(stored.action));
    auto& upload = std::get<DataTransfer>(stored.action);
    CHECK(upload.direction == DataTransfer::Direction::receive);
    write_fd(upload.upload_fd, "0123456789");
    CHECK_FALSE(fs::exists(target));  // nothing under the name before the end
    auto done = control.session.on_transfer_end(TransferEnd::done, 10);
    CHECK(done.replies.back().code == 226);
    CHECK(emu::util::read_file(target) == "0123456789");
    CHECK(control.code("TYPE I") == 200);
    CHECK(control.send("SIZE docs/up.bin").replies.back().lines[0] == "10");

    // An upload cut short by ABOR leaves the old file as it was: 426, then 226 for the ABOR.
    control.passive();
    auto again = control.send("STOR docs/up.bin");
    write_fd(std::get<DataTransfer>(again.action).upload_fd, "partial");
    auto aborted = control.session.on_transfer_end(TransferEnd::aborted, 7);
    REQUIRE(aborted.replies.size() == 2);
    CHECK(aborted.replies[0].code == 426);
    CHECK(aborted.replies[1].code == 226);
    CHECK(emu::util::read_file(target) == "0123456789");
    // So does one whose data connection broke.
    control.passive();
    auto broken = control.send("STOR docs/up.bin");
    write_fd(std::get<DataTransfer>(broken.action).upload_fd, "xx");
    CHECK(control.session.on_transfer_end(TransferEnd::connection_lost, 2).replies.back().code == 426);
    CHECK(emu::util::read_file(target) == "0123456789");

    // REST 4 then STOR keeps the first four bytes (RFC 3659 §5.5); APPE keeps them all.
    CHECK(control.code("REST 4") == 350);
    control.passive();
    auto resumed = control.send("STOR docs/up.bin");
    write_fd(std::get<DataTransfer>(resumed.action).upload_fd, "abc");
    control.session.on_transfer_end(TransferEnd::done, 3);
    CHECK(emu::util::read_file(target) == "0123abc");
    control.passive();
    auto appended = control.send("APPE docs/up.bin");
    write_fd(std::get<DataTransfer>(appended.action).upload_fd, "!");
    control.session.on_transfer_end(TransferEnd::done, 1);
    CHECK(emu::util::read_file(target) == "0123abc!");
    // A REST past the end, for either direction, is refused (554) and forgotten.
    CHECK(control.code("REST 100") == 350);
    control.passive();
    CHECK(control.code("STOR docs/up.bin") == 554);
    CHECK(control.code("REST 100") == 350);
    CHECK(control.code("RETR docs/up.bin") == 554);
    // REST then RETR starts the download at the offset.
    CHECK(control.code("REST 4") == 350);
    auto partial = control.send("RETR docs/up.bin");
    REQUIRE(std::holds_alternative<DataTransfer>(partial.action));
    CHECK(std::get<DataTransfer>(partial.action).offset == 4);
    control.session.on_transfer_end(TransferEnd::done, 4);

    CHECK(control.code("REST -1") == 501);
    control.passive();
    CHECK(control.code("STOR docs") == 553);  // a directory
    CHECK(control.code("STOR nowhere/x") == 553);
    CHECK(control.code("RETR docs") == 550);
}

TEST_CASE("LIST and NLST describe a directory or one file, whatever ls options come with them", "[ftpd][session]") {
    Scratch scratch;
    Control control(scratch);
    control.log_in();
    struct timeval times[2] = {{kNow - 3600, 0}, {kNow - 3600, 0}};  // 2026-11-18 10:06 UTC
    REQUIRE(::utimes((scratch.config.root / "hello.txt").c_str(), times) == 0);
    fs::permissions(scratch.config.root / "hello.txt", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                                           fs::perms::others_read);
    control.passive();
    auto listed = control.send("LIST -la");
    REQUIRE(std::holds_alternative<DataTransfer>(listed.action));
    const auto& text = std::get<DataTransfer>(listed.action).listing;
    CHECK(text.find("-rw-r--r--    1 ftp      ftp                13 Nov 18 10:06 hello.txt\r\n") != std::string::npos);
    CHECK(text.find(" docs\r\n") != std::string::npos);
    CHECK(text.front() == 'd');  // docs, first by name
    CHECK(text.find("\r\nl") != std::string::npos);  // the link is listed as a link
    control.session.on_transfer_end(TransferEnd::done, text.size());
    control.passive();
    auto one = control.send("LIST hello.txt");
    CHECK(std::get<DataTransfer>(one.action).listing ==
          "-rw-r--r--    1 ftp      ftp                13 Nov 18 10:06 hello.txt\r\n");
    control.session.on_transfer_end(TransferEnd::done, 0);
    control.passive();
    CHECK(std::get<DataTransfer>(control.send("NLST docs").action).listing == "notes.txt\r\n");
    control.session.on_transfer_end(TransferEnd::done, 0);
    control.passive();
    CHECK(control.code("LIST missing") == 550);
    // STAT with a path answers over the control connection (RFC 959 §4.1.3).
    auto status = control.send("STAT docs");
    REQUIRE(status.replies.size() == 1);
    CHECK(status.replies[0].code == 213);
    CHECK(status.replies[0].lines.size() == 3);
    CHECK(status.replies[0].lines[1].ends_with(" notes.txt"));
    auto session_status = control.send("STAT");
    CHECK(session_status.replies[0].code == 211);
    CHECK(emu::wire::write_ftp_reply(session_status.replies[0]).find(" Data connection: passive, listening on port 50001") !=
          std::string::npos);
}

TEST_CASE("SIZE counts a file as TYPE A would send it, MDTM dates it, TYPE, MODE and STRU take what is supported",
          "[ftpd][session]") {
    Scratch scratch;
    Control control(scratch);
    control.log_in();
    // TYPE A is the default (RFC 959 §3.1.1.1): two LFs become CRLFs.
    CHECK(control.send("SIZE docs/notes.txt").replies.back().lines[0] == "10");
    CHECK(control.code("TYPE I") == 200);
    CHECK(control.send("SIZE docs/notes.txt").replies.back().lines[0] == "8");
    CHECK(control.code("SIZE docs") == 550);
    CHECK(control.code("SIZE missing") == 550);
    struct timeval times[2] = {{kNow, 0}, {kNow, 0}};
    REQUIRE(::utimes((scratch.config.root / "hello.txt").c_str(), times) == 0);
    CHECK(control.send("MDTM hello.txt").replies.back().lines[0] == "20261118110640");
    CHECK(control.code("TYPE A N") == 200);
    CHECK(control.code("TYPE L 8") == 200);
    CHECK(control.code("TYPE E") == 504);
    CHECK(control.code("TYPE Z") == 501);
    CHECK(control.code("TYPE") == 501);
    CHECK(control.code("MODE S") == 200);
    CHECK(control.code("MODE B") == 504);
    CHECK(control.code("STRU F") == 200);
    CHECK(control.code("STRU R") == 504);
    CHECK(control.code("STRU X") == 501);
    CHECK(control.code("ABOR") == 225);
    CHECK(control.code("SITE CHMOD 777 x") == 502);
    CHECK(control.code("XYZZY") == 500);
    CHECK(control.code("AUTH TLS") == 502);
}

TEST_CASE("RNFR and RNTO rename when RNTO comes next, and DELE, MKD and RMD change the tree", "[ftpd][session]") {
    Scratch scratch;
    Control control(scratch);
    control.log_in();
    CHECK(control.code("RNTO x") == 503);
    CHECK(control.code("RNFR missing") == 550);
    CHECK(control.code("RNFR hello.txt") == 350);
    CHECK(control.code("NOOP") == 200);
    CHECK(control.code("RNTO greeting.txt") == 503);  // RNTO must come right after RNFR
    CHECK(control.code("RNFR hello.txt") == 350);
    auto renamed = control.send("RNTO docs/greeting.txt");
    CHECK(renamed.replies.back().code == 250);
    CHECK(logged(renamed, "ftp.renamed"));
    CHECK(fs::exists(scratch.config.root / "docs" / "greeting.txt"));
    CHECK(control.code("RNFR docs/greeting.txt") == 350);
    CHECK(logged(control.send("RNTO ../../greeting.txt"), "ftp.path_refused"));

    CHECK(control.code("MKD made") == 257);
    CHECK(control.code("MKD made") == 550);  // exists
    CHECK(control.code("RMD docs") == 550);  // not empty
    CHECK(control.code("RMD made") == 250);
    CHECK(control.code("DELE docs") == 550);  // a directory
    CHECK(control.code("DELE docs/greeting.txt") == 250);
    CHECK_FALSE(fs::exists(scratch.config.root / "docs" / "greeting.txt"));
    CHECK(control.code("DELE docs/greeting.txt") == 550);
    CHECK(logged(control.send("DELE escape/secret.txt"), "ftp.path_refused"));
    CHECK(fs::exists(scratch.base / "secret.txt"));
}

TEST_CASE("A bad or endless FTP command line is answered with 500, the endless one ending the session",
          "[ftpd][session]") {
    Scratch scratch;
    Control control(scratch);
    auto bad = control.session.on_malformed("a verb is three or four letters", false);
    CHECK(bad.replies.back().code == 500);
    CHECK(std::holds_alternative<std::monostate>(bad.action));
    auto endless = control.session.on_malformed("the line is over 4096 bytes", true);
    CHECK(std::holds_alternative<CloseControl>(endless.action));
    CHECK(logged(endless, "ftp.line_refused"));
    auto idle = control.session.on_idle_timeout();
    CHECK(idle.replies.back().code == 421);
    CHECK(std::holds_alternative<CloseControl>(idle.action));
}

TEST_CASE("TYPE A turns LF into CRLF on the way out and back, across any cut of the data", "[ftpd][session]") {
    const std::string file = "one\ntwo\r\nthree\r\r\nend";
    const std::string wire = "one\r\ntwo\r\nthree\r\r\nend";
    for (std::size_t cut = 0; cut <= file.size(); ++cut) {
        AsciiToNetwork out;
        std::string sent;
        out.convert(std::string_view(file).substr(0, cut), sent);
        out.convert(std::string_view(file).substr(cut), sent);
        CHECK(sent == wire);
        AsciiToNetwork counter;
        CHECK(counter.converted_size(std::string_view(file).substr(0, cut)) +
                  counter.converted_size(std::string_view(file).substr(cut)) ==
              wire.size());
    }
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        AsciiFromNetwork in;
        std::string stored;
        in.convert(std::string_view(wire).substr(0, cut), stored);
        in.convert(std::string_view(wire).substr(cut), stored);
        in.finish(stored);
        CHECK(stored == "one\ntwo\nthree\r\nend");
    }
    AsciiFromNetwork trailing;
    std::string stored;
    trailing.convert("a\r", stored);
    trailing.finish(stored);
    CHECK(stored == "a\r");
}

TEST_CASE("emu-ftpd's settings are read whole, and inline files seed the tree once", "[ftpd][session]") {
    struct Directory {
        fs::path path = fs::temp_directory_path() / ("emu-ftp-config-" + std::to_string(::getpid()));
        ~Directory() { fs::remove_all(path); }
    } scratch;
    const auto& data = scratch.path;
    fs::remove_all(data);
    nlohmann::json json = {{"users", {{"alice", {{"password", "secret"}}}}},
                           {"anonymous", true},
                           {"passive_ports", {50010, 50019}},
                           {"files", {{"/pub/readme.txt", "read me\n"}, {"/incoming/", nullptr}}}};
    auto config = read_server_config(json, data);
    CHECK(config.root == data / "files");
    CHECK(config.users.at("alice").may_write);
    CHECK(config.anonymous);
    CHECK(config.passive_first == 50010);
    CHECK(config.passive_last == 50019);
    CHECK(emu::util::read_file(data / "files" / "pub" / "readme.txt") == "read me\n");
    CHECK(fs::is_directory(data / "files" / "incoming"));
    // A restart finds what users did since: the deleted file stays deleted.
    fs::remove(data / "files" / "pub" / "readme.txt");
    read_server_config(json, data);
    CHECK_FALSE(fs::exists(data / "files" / "pub" / "readme.txt"));

    for (const auto* bad : {R"({"users": {"alice": {}}})", R"({"anonymous": false})", R"({"anonymous": true, "passive_ports": [5, 4]})",
                            R"({"anonymous": true, "files": {"/../x": "y"}})", R"({"anonymous": true, "port": 70000})"}) {
        INFO(bad);
        fs::remove_all(data);
        CHECK_THROWS_AS(read_server_config(nlohmann::json::parse(bad), data), std::invalid_argument);
    }
}
