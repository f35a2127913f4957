// emu-ftpd in a lab against stock clients, curl and lftp: passive and active transfers both
// ways, listings and resumed transfers, what the trace shows of each, the refusals a
// server owes its host, ABOR, and an upload cut by SIGKILL. Needs root and ci/deps' packages.
#include <catch2/catch.hpp>

#include <csignal>

#include <fmt/format.h>

#include "lib/util/files.hpp"
#include "tests/integration/harness.hpp"

using namespace emu::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kReadme = "Files for the lab.\n";

// srv runs emu-ftpd with `extra` settings; cli is the client.
std::string ftp_lab(const std::string& extra = "") {
    return fmt::format(R"(name: ftp
nodes:
  lan: {{kind: switch}}
  srv:
    kind: server
    interfaces: {{eth0: 10.0.9.1/24}}
    services:
      ftp:
        users: {{alice: secret}}
        anonymous: true
        passive_ports: 50000-50009{}
  cli: {{interfaces: {{eth0: 10.0.9.2/24}}}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [cli:eth0, lan]
)",
                       extra);
}

const std::string kFiles = "\n        files: {/pub/readme.txt: \"Files for the lab.\\n\", /incoming/: {}}";

CommandResult in_cli(TestDaemon& daemon, const std::string& lab, const std::string& script) {
    return run_in_node(daemon, lab, "cli", script);
}

// Where a test's own files go, seen alike from the test and from inside its nodes: under its
// daemon's directory, which goes with the daemon however the test ends.
std::string scratch(TestDaemon& daemon) { return (daemon.state_dir() / "emu-ftpi-").string(); }

std::filesystem::path files_of(TestDaemon& daemon, const std::string& lab) {
    return daemon.state_dir() / "labs" / lab / "nodes" / "srv" / "ftp" / "files";
}

}  // namespace

TEST_CASE("curl and lftp move files both ways through emu-ftpd, passive and active, resumed and listed",
          "[root][interop][ftp]") {
    TestDaemon daemon;
    const auto tmp = scratch(daemon);
    auto lab = daemon.lab_name("iftpd");
    TopologyFile topology("ftp", ftp_lab(kFiles));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    auto files = files_of(daemon, lab);
    auto cli = [&](const std::string& script) {
        auto result = in_cli(daemon, lab, script);
        INFO(script << "\n" << result.out << result.err);
        CHECK(result.ok());
        return result.out;
    };
    REQUIRE(wait_until([&] { return in_cli(daemon, lab, "curl -s --max-time 2 ftp://10.0.9.1/pub/readme.txt").ok(); }, 5s));

    // curl, passive (EPSV, then PASV): anonymous download and listing, names only too.
    CHECK(cli("curl -s --max-time 5 ftp://10.0.9.1/pub/readme.txt") == kReadme);
    CHECK(cli("curl -s --max-time 5 --disable-epsv ftp://10.0.9.1/pub/readme.txt") == kReadme);
    auto listing = cli("curl -s --max-time 5 ftp://10.0.9.1/pub/");
    CHECK(contains(listing, "-rw-r--r--"));
    CHECK(contains(listing, " 19 "));
    // curl takes a listing in TYPE A and turns its CRLFs into the local line end.
    CHECK(listing.ends_with(" readme.txt\n"));
    CHECK(cli("curl -s --max-time 5 -l ftp://10.0.9.1/") == "incoming\npub\n");

    // Uploads by alice, binary, passive and active (EPRT, then PORT), checked on disk and back.
    cli("head -c 3000000 /dev/urandom > " + tmp + "up.bin");
    cli("curl -s --max-time 10 -T " + tmp + "up.bin ftp://alice:secret@10.0.9.1/incoming/up.bin");
    cli("curl -s --max-time 10 -P - ftp://alice:secret@10.0.9.1/incoming/up.bin | cmp - " + tmp + "up.bin");
    cli("curl -s --max-time 10 -P - --disable-eprt -T " + tmp + "up.bin ftp://alice:secret@10.0.9.1/incoming/active.bin");
    cli("curl -s --max-time 10 ftp://alice:secret@10.0.9.1/incoming/active.bin | cmp - " + tmp + "up.bin");
    CHECK(std::filesystem::file_size(files / "incoming" / "up.bin") == 3000000);

    // Resumed both ways: a download that has its first 1 MB (REST), an upload that stopped at 1 MB (APPE).
    cli("head -c 1000000 " + tmp + "up.bin > " + tmp + "part.bin && "
        "curl -s --max-time 10 -C - -o " + tmp + "part.bin ftp://alice:secret@10.0.9.1/incoming/up.bin && "
        "cmp " + tmp + "part.bin " + tmp + "up.bin");
    cli("head -c 1000000 " + tmp + "up.bin > " + tmp + "part.bin && "
        "curl -s --max-time 10 -T " + tmp + "part.bin ftp://alice:secret@10.0.9.1/incoming/resumed.bin && "
        "curl -s --max-time 10 -C - -T " + tmp + "up.bin ftp://alice:secret@10.0.9.1/incoming/resumed.bin && "
        "curl -s --max-time 10 ftp://alice:secret@10.0.9.1/incoming/resumed.bin | cmp - " + tmp + "up.bin");

    // lftp, passive then active: listing, get, put, reget of a partial file, rename, delete.
    const std::string lftp = "lftp -u alice,secret -e 'set net:max-retries 1; set net:timeout 5; set xfer:clobber on; ";
    auto passive = cli(lftp + "cd pub; ls; get readme.txt -o " + tmp + "r.txt; put " + tmp + "r.txt -o copy.txt; "
                              "mv copy.txt moved.txt; quit' 10.0.9.1 && cat " + tmp + "r.txt");
    CHECK(contains(passive, " readme.txt"));
    CHECK(passive.ends_with(kReadme));
    CHECK(emu::util::read_file(files / "pub" / "moved.txt") == kReadme);
    auto active = cli(lftp + "set ftp:passive-mode off; cd incoming; "
                             "get up.bin -o " + tmp + "lftp.bin; rm active.bin; cls; quit' 10.0.9.1 && "
                             "cmp " + tmp + "lftp.bin " + tmp + "up.bin && echo same");
    CHECK(active == "resumed.bin\nup.bin\nsame\n");
    cli("head -c 1234567 " + tmp + "up.bin > " + tmp + "lftp.bin && " + lftp +
        "get -c incoming/up.bin -o " + tmp + "lftp.bin; quit' 10.0.9.1 && cmp " + tmp + "lftp.bin " + tmp + "up.bin");

    auto trace = daemon.emu({"trace", lab, "--protocol", "ftp", "--protocol", "ftp-data"}).out;
    INFO(trace.substr(0, 20000));
    CHECK(contains(trace, "FTP 229 EPSV → 10.0.9.1:5000"));
    CHECK(contains(trace, "FTP 227 PASV → 10.0.9.1:5000"));
    CHECK(contains(trace, "FTP EPRT 10.0.9.2:"));
    CHECK(contains(trace, "FTP PORT 10.0.9.2:"));
    CHECK(contains(trace, "FTP REST 1000000"));
    CHECK(contains(trace, "FTP APPE resumed.bin"));  // curl goes to the directory first
    // The data connections, each the right way round: from the passive port, or from port 20.
    CHECK(contains(trace, "FTP-DATA 10.0.9.1:5000"));
    CHECK(contains(trace, "FTP-DATA 10.0.9.1:20 → 10.0.9.2:"));
    CHECK(contains(trace, "(STOR active.bin)"));
    CHECK(contains(trace, "FTP 226 Transfer complete (3000000 bytes)."));
}

TEST_CASE("emu-ftpd refuses and logs a climb out of its files, a bounce and an anonymous upload, and ABOR stops a transfer",
          "[root][interop][ftp]") {
    TestDaemon daemon;
    const auto tmp = scratch(daemon);
    auto lab = daemon.lab_name("iftprefuse");
    // A root of the test's own, with a link in it that leads out.
    auto root = daemon.state_dir() / "ftp-root";
    std::filesystem::create_directories(root);
    std::filesystem::create_directory_symlink("/etc", root / "etc-link");
    emu::util::write_file_atomic(root / "big.bin", std::string(50 << 20, 'x'));
    TopologyFile topology("ftp", ftp_lab("\n        root: " + root.string()));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return in_cli(daemon, lab, "curl -s --max-time 2 -l ftp://10.0.9.1/").ok(); }, 5s));

    auto climb = in_cli(daemon, lab, "curl -s --max-time 5 --path-as-is ftp://alice:secret@10.0.9.1/../../etc/passwd");
    CHECK_FALSE(climb.ok());
    CHECK(logged(daemon, lab, "srv", "ftp.path_refused user=alice cwd=/ path=.."));
    auto link = in_cli(daemon, lab, "curl -s --max-time 5 ftp://alice:secret@10.0.9.1/etc-link/passwd");
    CHECK_FALSE(link.ok());
    CHECK(link.out.empty());
    CHECK(logged(daemon, lab, "srv", "(a link out of the root)"));
    // curl -P with another host's address sends a PORT naming it: the FTP bounce.
    auto bounce = in_cli(daemon, lab, "curl -s --max-time 5 -P 10.0.9.3 ftp://alice:secret@10.0.9.1/big.bin");
    CHECK_FALSE(bounce.ok());
    CHECK(logged(daemon, lab, "srv", "ftp.bounce_refused user=alice from=10.0.9.2 asked=10.0.9.3:"));
    auto upload = in_cli(daemon, lab, "echo hi > " + tmp + "hi && curl -s --max-time 5 -T " + tmp + "hi ftp://10.0.9.1/hi.txt");
    CHECK_FALSE(upload.ok());
    CHECK(logged(daemon, lab, "srv", "ftp.write_refused user=anonymous STOR /hi.txt"));
    CHECK_FALSE(std::filesystem::exists(root / "hi.txt"));

    // ABOR during a 50 MB download the client does not read: 426 for the transfer, 226 for
    // the ABOR (RFC 959 §4.1.3). A shell client, to send ABOR exactly then.
    auto abort = in_cli(daemon, lab, R"(exec 3<>/dev/tcp/10.0.9.1/21
reply() { read -r line <&3; echo "$line" | tr -d '\r'; }
reply >/dev/null
printf 'USER alice\r\nPASS secret\r\nTYPE I\r\nEPSV\r\n' >&3
reply >/dev/null; reply >/dev/null; reply >/dev/null
port=$(reply | sed 's/.*|||\([0-9]*\)|.*/\1/')
exec 4<>/dev/tcp/10.0.9.1/$port
printf 'RETR big.bin\r\n' >&3
reply
head -c 1000 <&4 >/dev/null
printf 'ABOR\r\n' >&3
reply; reply
printf 'QUIT\r\n' >&3
reply)");
    INFO(abort.err);
    CHECK(abort.out ==
          "150 Opening BINARY mode data connection for /big.bin (52428800 bytes).\n426 Transfer aborted.\n226 ABOR "
          "successful.\n221 Goodbye.\n");
    CHECK(logged(daemon, lab, "srv", "ftp.aborted user=alice RETR /big.bin"));
}

TEST_CASE("emu-ftpd killed in the middle of an upload leaves no partial file under its name", "[root][interop][ftp]") {
    TestDaemon daemon;
    const auto tmp = scratch(daemon);
    auto lab = daemon.lab_name("iftpkill");
    TopologyFile topology("ftp", ftp_lab(kFiles));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    auto files = files_of(daemon, lab);
    REQUIRE(wait_until([&] { return in_cli(daemon, lab, "curl -s --max-time 2 ftp://10.0.9.1/pub/readme.txt").ok(); }, 5s));
    REQUIRE(in_cli(daemon, lab, "head -c 4000000 /dev/urandom > " + tmp + "kill.bin").ok());
    // An old version is in place: the cut upload must leave it whole.
    REQUIRE(in_cli(daemon, lab, "head -c 1000 " + tmp + "kill.bin > " + tmp + "old.bin && "
                                "curl -s --max-time 5 -T " + tmp + "old.bin ftp://alice:secret@10.0.9.1/incoming/kill.bin")
                .ok());
    REQUIRE(std::filesystem::file_size(files / "incoming" / "kill.bin") == 1000);

    // 4 MB at 400 KB/s: ten seconds, cut after the 150 and a second of data.
    BackgroundCommand upload({program("emu"), "exec", lab, "cli", "--", "curl", "-s", "--limit-rate", "400K", "-T",
                              tmp + "kill.bin", "ftp://alice:secret@10.0.9.1/incoming/kill.bin"},
                             daemon.environment());
    REQUIRE(wait_until([&] { return contains(daemon.emu({"trace", lab, "--protocol", "ftp"}).out, "FTP 150 Ok to send data."); }, 5s));
    auto server = process_pid(daemon, lab, "srv", "ftp");
    REQUIRE(server > 0);
    REQUIRE(wait_until([&] { return count_of(daemon.emu({"trace", lab, "--protocol", "ftp-data"}).out, "FTP-DATA") >= 20; }, 5s));
    REQUIRE(::kill(server, SIGKILL) == 0);
    CHECK(upload.wait(15s) != 0);  // curl sees its connection go
    CHECK(std::filesystem::file_size(files / "incoming" / "kill.bin") == 1000);
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(files / "incoming")) names.push_back(entry.path().filename());
    CHECK(names == std::vector<std::string>{"kill.bin"});

    // Restarted by the lab, the server has what was whole.
    REQUIRE(wait_until([&] { auto pid = process_pid(daemon, lab, "srv", "ftp"); return pid > 0 && pid != server; }, 10s));
    REQUIRE(wait_until([&] { return in_cli(daemon, lab, "curl -s --max-time 2 ftp://10.0.9.1/pub/readme.txt").ok(); }, 5s));
    CHECK(in_cli(daemon, lab, "curl -s --max-time 5 ftp://10.0.9.1/incoming/kill.bin | cmp - " + tmp + "old.bin").ok());
}

TEST_CASE("emu-host's FTP client gets, puts and lists against vsftpd, passive and active", "[root][interop][ftp]") {
    TestDaemon daemon;
    const auto tmp = scratch(daemon);
    auto lab = daemon.lab_name("ivsftpd");
    auto work = daemon.state_dir() / "vsftpd";
    std::filesystem::create_directories(work / "ftp" / "incoming");
    std::filesystem::create_directories(work / "empty");
    std::string notes;
    for (int i = 1; i <= 2000; ++i) notes += fmt::format("line {} of the notes\n", i);
    emu::util::write_file_atomic(work / "ftp" / "notes.txt", notes);
    // vsftpd's anonymous uploads go to a directory its `ftp` user owns, under a root it cannot write.
    REQUIRE(run({"chown", "ftp", (work / "ftp" / "incoming").string()}).ok());
    std::filesystem::permissions(daemon.state_dir(), std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                                         std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                                         std::filesystem::perms::others_exec);
    emu::util::write_file_atomic(work / "vsftpd.conf", fmt::format(R"(listen=YES
listen_ipv6=NO
listen_address=10.0.9.1
background=NO
anonymous_enable=YES
local_enable=NO
no_anon_password=YES
anon_root={0}/ftp
write_enable=YES
anon_upload_enable=YES
anon_umask=022
pasv_enable=YES
pasv_min_port=50000
pasv_max_port=50010
port_enable=YES
connect_from_port_20=YES
secure_chroot_dir={0}/empty
seccomp_sandbox=NO
xferlog_enable=NO
)",
                                                                   work.string()));
    TopologyFile topology("ftp", fmt::format(R"(name: ftp
nodes:
  lan: {{kind: switch}}
  srv:
    interfaces: {{eth0: 10.0.9.1/24}}
    exec: ["vsftpd {}/vsftpd.conf"]
  cli: {{interfaces: {{eth0: 10.0.9.2/24}}}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [cli:eth0, lan]
)",
                                             work.string()));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    auto host = [&](const std::vector<std::string>& arguments) {
        std::vector<std::string> command{"exec", lab, "cli", "--", "emu-host", "ftp"};
        command.insert(command.end(), arguments.begin(), arguments.end());
        return daemon.emu(command);
    };
    REQUIRE(wait_until([&] { return host({"ls", "-t", "2", "ftp://10.0.9.1/"}).ok(); }, 5s));

    auto passive = host({"get", "-v", "ftp://10.0.9.1/notes.txt"});
    INFO(passive.err);
    CHECK(passive.ok());
    CHECK(passive.out == notes);
    CHECK(contains(passive.err, "> PASV\n< 227 Entering Passive Mode (10,0,9,1,"));
    CHECK(contains(passive.err, "> RETR /notes.txt\n< 150 "));
    CHECK(contains(passive.err, "* " + std::to_string(notes.size()) + " bytes from 10.0.9.1 (passive mode)"));
    auto active = host({"get", "-v", "--active", "ftp://10.0.9.1/notes.txt"});
    INFO(active.err);
    CHECK(active.ok());
    CHECK(active.out == notes);
    CHECK(contains(active.err, "> PORT 10,0,9,2,"));
    CHECK(contains(active.err, "< 200 PORT command successful"));
    REQUIRE(in_cli(daemon, lab, "printf 'up\\n' > " + tmp + "vs.txt").ok());
    CHECK(host({"put", tmp + "vs.txt", "ftp://10.0.9.1/incoming/"}).ok());
    CHECK(host({"put", "--active", tmp + "vs.txt", "ftp://10.0.9.1/incoming/second.txt"}).ok());
    CHECK(emu::util::read_file(work / "ftp" / "incoming" / "emu-ftpi-vs.txt") == "up\n");
    CHECK(emu::util::read_file(work / "ftp" / "incoming" / "second.txt") == "up\n");
    auto listing = host({"ls", "ftp://10.0.9.1/incoming/"});
    CHECK(contains(listing.out, " second.txt\r\n"));
    // A failure says which step and what the server answered.
    auto missing = host({"get", "ftp://10.0.9.1/nope.txt"});
    CHECK(missing.exit_code == 1);
    CHECK(contains(missing.err, "RETR /nope.txt: the server answered 550 Failed to open file."));
    auto trace = daemon.emu({"trace", lab, "--protocol", "ftp-data"}).out;
    CHECK(contains(trace, "FTP-DATA 10.0.9.1:20 → 10.0.9.2:"));
}

TEST_CASE("the FTP scenarios: PASV and the client's data connection, PORT and the server's from port 20",
          "[root][interop][ftp][scenario]") {
    TestDaemon daemon;
    for (const char* scenario : {"passive", "active"}) {
        INFO(scenario);
        auto lab = daemon.lab_name(std::string("sftp") + scenario);
        auto run = daemon.emu({"run", std::string(EMU_SOURCE_DIR "/topologies/ftp/") + scenario + ".scenario.yaml", "--name", lab});
        INFO(run.out << run.err);
        CHECK(run.ok());
        CHECK(contains(run.out, "PASSED"));
    }
}
