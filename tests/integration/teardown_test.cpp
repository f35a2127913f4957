// Exact teardown under failure: a fault injected in the middle of `up`, emud killed at
// several points of `up`, and a reboot that wiped /run. Needs root.
#include <catch2/catch.hpp>

#include <signal.h>

#include "tests/integration/harness.hpp"

using namespace emu::test;

namespace {

const std::string kCampus = EMU_SOURCE_DIR "/topologies/campus.yaml";

bool etc_left(const std::string& lab) {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/etc/netns", error)) {
        if (entry.path().filename().string().rfind("emu-" + lab + "-", 0) == 0) return true;
    }
    return false;
}

void require_clean(const TestDaemon& daemon, const std::string& lab, const std::set<std::string>& links_before) {
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
    CHECK_FALSE(etc_left(lab));
    CHECK_FALSE(std::filesystem::exists(daemon.state_dir() / "labs" / lab));
    CHECK_FALSE(std::filesystem::exists(daemon.runtime_dir() / "labs" / lab));
    CHECK(root_links() == links_before);
}

}  // namespace

TEST_CASE("a failure in the middle of up rolls the lab back to nothing", "[root][teardown]") {
    // Each phase of the build, failing part-way through.
    auto fault = GENERATE(as<std::string>{}, "netns:4", "etc:3", "bridge:1", "veth:5", "configure:6");
    TestDaemon daemon;
    auto lab = daemon.lab_name("fail");
    auto links_before = root_links();
    auto up = daemon.emu({"up", kCampus, "--name", lab}, {{"EMU_FAULT", fault}});
    INFO(fault << ": " << up.err);
    CHECK(up.exit_code == 1);
    CHECK(up.err.find("injected fault") != std::string::npos);
    CHECK(up.err.find("everything made for lab " + lab + " was removed") != std::string::npos);
    require_clean(daemon, lab, links_before);
    // The name is free again: the same lab comes up, in an emud without the fault. The old
    // one must be gone first, or the `up` would still reach it (and its EMU_FAULT).
    REQUIRE(daemon.emu({"shutdown"}).ok());
    REQUIRE(wait_until([&] { return daemon.daemon_pid() == 0; }, std::chrono::seconds(5)));
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("a kernel refusal names the topology line that caused it, and rolls back", "[root][teardown]") {
    TestDaemon daemon;
    // A value the kernel refuses (a TTL is 1 to 255) is only found out when it is written,
    // mid-build; a sysctl it does not have at all is refused by validate already.
    auto file = write_topology("kernel", R"(name: kernel
nodes:
  a: {interfaces: {eth0: 10.2.0.1/30}}
  b: {interfaces: {eth0: 10.2.0.2/30}, sysctls: {net.ipv4.ip_default_ttl: 300}}
links:
  - endpoints: [a:eth0, b:eth0]
)");
    auto lab = daemon.lab_name("kern");
    auto links_before = root_links();
    auto up = daemon.emu({"up", file, "--name", lab});
    CHECK(up.exit_code == 1);
    CHECK(up.err.find("sysctl net.ipv4.ip_default_ttl") != std::string::npos);
    CHECK(up.err.find("of node b (line 4)") != std::string::npos);
    require_clean(daemon, lab, links_before);
}

TEST_CASE("emud killed with SIGKILL in the middle of up leaves nothing after down", "[root][teardown]") {
    auto point = GENERATE(as<std::string>{}, "netns:0:kill", "netns:5:kill", "etc:2:kill", "bridge:2:kill",
                          "veth:4:kill", "configure:3:kill");
    TestDaemon daemon;
    auto lab = daemon.lab_name("kill");
    auto links_before = root_links();
    auto up = daemon.emu({"up", kCampus, "--name", lab}, {{"EMU_FAULT", point}});
    INFO(point << ": " << up.err);
    CHECK(up.exit_code == 1);
    CHECK(up.err.find("emud closed the connection") != std::string::npos);
    REQUIRE(wait_until([&] { return daemon.daemon_pid() == 0; }, std::chrono::seconds(5)));
    // A new emud (started by this command) finds the journal and removes exactly the lab.
    auto status = daemon.emu({"status", lab});
    CHECK(status.out.find("stale") != std::string::npos);
    auto down = daemon.emu({"down", lab});
    INFO(down.out << down.err);
    REQUIRE(down.ok());
    require_clean(daemon, lab, links_before);
}

TEST_CASE("down after a reboot wiped /run removes the lab's files from /etc", "[root][teardown]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("boot");
    auto links_before = root_links();
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    daemon.kill_daemon();
    // What a reboot does: the namespaces and everything in them are gone, and so is /run.
    for (const auto& name : namespaces_with_prefix("emu-" + lab)) REQUIRE(run({"ip", "netns", "delete", name}).ok());
    std::filesystem::remove_all(daemon.runtime_dir());
    std::filesystem::create_directories(daemon.runtime_dir());
    REQUIRE(etc_left(lab));
    auto down = daemon.emu({"down", lab});
    INFO(down.out << down.err);
    REQUIRE(down.ok());
    require_clean(daemon, lab, links_before);
}

TEST_CASE("a restarted emud serves the labs of the one before it", "[root][teardown]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("again");
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    REQUIRE(daemon.emu({"shutdown"}).ok());
    REQUIRE(wait_until([&] { return daemon.daemon_pid() == 0; }, std::chrono::seconds(5)));
    // The lab kept running without emud.
    CHECK(run({"ip", "netns", "exec", "emu-" + lab + "-h1", "ping", "-c1", "-W2", "-q", "10.0.2.11"}).ok());
    auto status = daemon.emu({"status", lab});
    CHECK(status.out.find("lab " + lab + ": up") != std::string::npos);
    CHECK(daemon.emu({"exec", lab, "h3", "--", "ping", "-c1", "-W2", "-q", "10.0.1.10"}).ok());
    REQUIRE(daemon.emu({"down", lab}).ok());
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
}
