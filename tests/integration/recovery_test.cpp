// Supervision that survives emud: a restarted emud takes back the processes of every lab
// from its journal, restarts what ends by its policy, and an `up` that a crash interrupted
// is reported as interrupted, finished by `emu up` again. Needs root.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "lib/util/files.hpp"
#include "tests/integration/harness.hpp"

using namespace emu::test;
using json = nlohmann::json;

namespace {

const std::string kWeb = EMU_SOURCE_DIR "/topologies/web-request/page.yaml";

json lab_status(TestDaemon& daemon, const std::string& lab) {
    auto status = daemon.emu({"status", lab, "--json"});
    return status.ok() ? json::parse(status.out) : json::object();
}

// The pids of the processes status lists as running, by "node/name".
std::map<std::string, pid_t> running(const json& status) {
    std::map<std::string, pid_t> result;
    for (const auto& node : status.value("nodes", json::array())) {
        for (const auto& process : node.value("processes", json::array())) {
            if (process.value("state", "") == "running") {
                result[node["name"].get<std::string>() + "/" + process["name"].get<std::string>()] = process["pid"];
            }
        }
    }
    return result;
}

// Every process with a thread in one of the lab's namespaces, as the kernel sees them.
std::set<pid_t> processes_of(const std::string& lab) {
    std::set<ino_t> inodes;
    for (const auto& name : namespaces_with_prefix("emu-" + lab + "-")) inodes.insert(namespace_inode(name));
    auto found = processes_in(inodes);
    return {found.begin(), found.end()};
}

std::set<pid_t> pids(const std::map<std::string, pid_t>& processes) {
    std::set<pid_t> result;
    for (const auto& [name, pid] : processes) result.insert(pid);
    return result;
}

// Kills a process of the lab and waits until status shows it running again, as another pid.
void require_restarted(TestDaemon& daemon, const std::string& lab, const std::string& node, const std::string& name) {
    pid_t before = process_pid(daemon, lab, node, name);
    REQUIRE(before != 0);
    REQUIRE(::kill(before, SIGKILL) == 0);
    pid_t after = 0;
    CHECK(wait_until(
        [&] {
            after = process_pid(daemon, lab, node, name);
            return after != 0 && after != before;
        },
        std::chrono::seconds(10)));
    INFO(node << "/" << name << " was " << before << ", now " << after);
    CHECK(processes_of(lab).count(after) == 1);
}

}  // namespace

TEST_CASE("emud killed at any point of up: status tells the truth, and up again finishes the lab", "[root][recovery]") {
    // Three points while the kernel objects are made, four while the processes start (the
    // web lab has four: the DHCP, DNS and web servers, then h1's DHCP client).
    auto point = GENERATE(as<std::string>{}, "netns:2:kill", "veth:3:kill", "configure:4:kill", "process:0:kill",
                          "process:1:kill", "process:2:kill", "process:3:kill");
    TestDaemon daemon;
    auto lab = daemon.lab_name("intr");
    auto up = daemon.emu({"up", kWeb, "--name", lab}, {{"EMU_FAULT", point}});
    INFO(point << ": " << up.err);
    REQUIRE(up.exit_code == 1);
    REQUIRE(wait_until([&] { return daemon.daemon_pid() == 0; }, std::chrono::seconds(5)));

    // A new emud: what it says is what the kernel has.
    auto status = lab_status(daemon, lab);
    bool kernel_done = point.rfind("process:", 0) == 0;
    CHECK(status.value("state", "") == (kernel_done ? "interrupted" : "stale"));
    if (kernel_done) {
        auto started = running(status);
        CHECK(started.size() == std::stoul(point.substr(8)) + 1);
        CHECK(pids(started) == processes_of(lab));
    }

    // `emu up` again finishes it: every process runs, each once.
    auto again = daemon.emu({"up", kWeb, "--name", lab});
    INFO(again.out << again.err);
    REQUIRE(again.ok());
    status = lab_status(daemon, lab);
    CHECK(status.value("state", "") == "up");
    auto processes = running(status);
    CHECK(processes.size() == 4);
    CHECK(pids(processes) == processes_of(lab));
    // And it is supervised: a killed service is started again.
    require_restarted(daemon, lab, "dns", "dns");
    REQUIRE(daemon.emu({"down", lab}).ok());
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
}

TEST_CASE("a lab stays supervised when emud is killed or stopped: services come back and logs go on",
          "[root][recovery]") {
    auto how = GENERATE(as<std::string>{}, "kill", "shutdown");
    TestDaemon daemon;
    auto lab = daemon.lab_name("keep");
    auto file = write_topology("keep", R"(name: keep
nodes:
  lan: {kind: switch, subnet: 10.9.0.0/24}
  ns:
    kind: server
    interfaces: {eth0: 10.9.0.53/24}
    services:
      dns: {zones: {example.com: [www A 10.9.0.80]}}
  h1:
    interfaces: {eth0: 10.9.0.10/24}
    exec:
      - {command: "i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done", restart: always}
links:
  - endpoints: [ns:eth0, lan]
  - endpoints: [h1:eth0, lan]
)");
    auto up = daemon.emu({"up", file, "--name", lab});
    INFO(up.out << up.err);
    REQUIRE(up.ok());
    auto before = running(lab_status(daemon, lab));
    REQUIRE(before.size() == 2);
    auto log = daemon.runtime_dir() / "labs" / lab / "logs" / "h1.log";

    if (how == "kill") {
        daemon.kill_daemon();
    } else {
        REQUIRE(daemon.emu({"shutdown"}).ok());
        REQUIRE(wait_until([&] { return daemon.daemon_pid() == 0; }, std::chrono::seconds(5)));
    }
    // With no emud, the command goes on writing its log.
    auto size_without = emu::util::read_file(log).value_or("").size();
    CHECK(wait_until([&] { return emu::util::read_file(log).value_or("").size() > size_without; },
                     std::chrono::seconds(5)));

    // A new emud has the same processes, watched.
    auto status = lab_status(daemon, lab);
    CHECK(status.value("state", "") == "up");
    CHECK(running(status) == before);
    auto in_kernel = processes_of(lab);  // the command's `sleep` too
    for (pid_t pid : pids(before)) CHECK(in_kernel.count(pid) == 1);
    // A service killed now is restarted, and so is the command (restart: always).
    require_restarted(daemon, lab, "ns", "dns");
    require_restarted(daemon, lab, "h1", "exec[0]");
    CHECK(logged(daemon, lab, "ns", "dns ended; an earlier emud started it, so how it ended is not known"));
    // The restarted DNS server answers.
    auto dig = daemon.emu({"exec", lab, "h1", "--", "dig", "+short", "+time=2", "@10.9.0.53", "www.example.com"});
    CHECK(dig.out == "10.9.0.80\n");
    // The log goes on: the restarted command writes its ticks after the old one's.
    auto count_now = count_of(emu::util::read_file(log).value_or(""), "tick 1\n");
    CHECK(count_now == 2);
    REQUIRE(daemon.emu({"down", lab}).ok());
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
}
