// The supervisor: `exec:` commands run inside their node, their output is kept, a crash
// shows in status, and restart policies restart. Needs root.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>


#include "tests/integration/harness.hpp"

using namespace emu::test;
using json = nlohmann::json;

namespace {

json node_processes(TestDaemon& daemon, const std::string& lab, const std::string& node) {
    auto status = daemon.emu({"status", lab, "--json"});
    if (!status.ok()) {
        UNSCOPED_INFO("emu status failed: " << status.err);
        return json::array();
    }
    auto lab_status = json::parse(status.out);
    for (const auto& entry : lab_status["nodes"]) {
        if (entry["name"] == node) return entry.value("processes", json::array());
    }
    return json::array();
}

}  // namespace

TEST_CASE("exec commands run in their node, log their output, and their end shows in status", "[root][process]") {
    TestDaemon daemon;
    auto file = write_topology("procs", R"yaml(name: procs
nodes:
  lan: {kind: switch}
  a:
    interfaces: {eth0: 10.3.0.1/24}
    exec:
      - echo "hello from $(hostname)"; ip -br addr show eth0
      - sleep 600
  b:
    interfaces: {eth0: 10.3.0.2/24}
    exec:
      - exit 3
      - kill -SEGV $$
links:
  - endpoints: [a:eth0, lan]
  - endpoints: [b:eth0, lan]
)yaml");
    auto lab = daemon.lab_name("proc");
    REQUIRE(daemon.emu({"up", file, "--name", lab}).ok());

    REQUIRE(wait_until([&] { return daemon.emu({"logs", lab, "a"}).out.find("10.3.0.1/24") != std::string::npos; },
                       std::chrono::seconds(10)));
    auto logs = daemon.emu({"logs", lab, "a"});
    CHECK(logs.out.find("hello from a\n") != std::string::npos);  // the node's hostname, the node's devices
    CHECK(logs.out.find("exec[0] exited with status 0") != std::string::npos);

    REQUIRE(wait_until(
        [&] {
            auto processes = node_processes(daemon, lab, "b");
            return processes.size() == 2 && processes[0]["state"] == "exited" && processes[1]["state"] == "crashed";
        },
        std::chrono::seconds(10)));
    auto b = node_processes(daemon, lab, "b");
    CHECK(b[0]["exit_code"] == 3);
    CHECK(b[1]["signal"] == 11);
    auto a = node_processes(daemon, lab, "a");
    REQUIRE(a.size() == 2);
    CHECK(a[1]["state"] == "running");
    auto status = daemon.emu({"status", lab});
    CHECK(status.out.find("crashed (signal 11)") != std::string::npos);
    CHECK(status.out.find("exited (3)") != std::string::npos);

    auto down = daemon.emu({"down", lab});
    REQUIRE(down.ok());
    // The sleeper (and the shell above it, where /bin/sh does not exec the last command).
    CHECK(down.out.find(" 0 processes removed") == std::string::npos);
    CHECK(down.out.find(" processes removed") != std::string::npos);
}

TEST_CASE("a command with restart: on-failure is restarted with backoff", "[root][process]") {
    TestDaemon daemon;
    auto file = write_topology("restart", R"yaml(name: restart
nodes:
  a:
    exec:
      - {command: "echo run; exit 1", restart: on-failure}
      - {command: "exit 0", restart: on-failure}
)yaml");
    auto lab = daemon.lab_name("rst");
    REQUIRE(daemon.emu({"up", file, "--name", lab}).ok());
    REQUIRE(wait_until([&] {
        auto processes = node_processes(daemon, lab, "a");
        return processes.size() == 2 && processes[0].value("restarts", 0) >= 3;
    }, std::chrono::seconds(10)));
    auto processes = node_processes(daemon, lab, "a");
    CHECK(processes[1]["state"] == "exited");  // a clean exit is not a failure
    CHECK(processes[1]["restarts"] == 0);
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("logs -f follows a node's output until the lab goes", "[root][process]") {
    TestDaemon daemon;
    // The node prints only once the test says so, so that what is followed is new output.
    auto trigger = daemon.runtime_dir() / "go";
    auto file = write_topology("follow", "name: follow\nnodes:\n  a:\n    exec:\n      - \"while [ ! -e " +
                                             trigger.string() +
                                             " ]; do sleep 0.05; done; for i in 1 2 3; do echo tick $i; done\"\n");
    auto lab = daemon.lab_name("fol");
    REQUIRE(daemon.emu({"up", file, "--name", lab}).ok());
    BackgroundCommand follower({program("emu"), "logs", "-f", lab, "a"},
                               {{"EMU_RUNTIME_DIR", daemon.runtime_dir().string()},
                                {"EMU_STATE_DIR", daemon.state_dir().string()}});
    // First what the log held when it started…
    REQUIRE(follower.wait_for_output("exec[0] started", std::chrono::seconds(10)));
    CHECK(follower.output().find("tick 1") == std::string::npos);
    // …then what comes after.
    std::ofstream(trigger).put('\n');
    REQUIRE(follower.wait_for_output("tick 3\n", std::chrono::seconds(10)));
    REQUIRE(daemon.emu({"down", lab}).ok());
    // The lab is gone, and so is the follower.
    CHECK(follower.wait(std::chrono::seconds(10)) == 0);
    CHECK(follower.output().find("tick 1\ntick 2\ntick 3\n") != std::string::npos);
}

TEST_CASE("exec commands start once the lab's services say they are listening", "[root][process]") {
    TestDaemon daemon;
    // The command looks for emu-dhcpd's socket: UDP port 67 (0043 in /proc/net/udp). Were it
    // started with the service, it could run before the server has bound it.
    auto file = write_topology("ready", R"yaml(name: ready
nodes:
  lan: {kind: switch}
  srv:
    kind: server
    interfaces: {eth0: 10.0.9.1/24}
    services:
      dhcp: {pool: 10.0.9.100-10.0.9.110}
    exec:
      - "echo listening: $(grep -c ':0043 ' /proc/net/udp)"
  h1: {}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [h1:eth0, lan]
)yaml");
    auto lab = daemon.lab_name("rdy");
    REQUIRE(daemon.emu({"up", file, "--name", lab}).ok());
    // The command's own line, at the start of a line: emu's "exec[0] started: echo
    // listening: …" holds the words too, and comes before the command has run.
    REQUIRE(wait_until([&] { return daemon.emu({"logs", lab, "srv"}).out.find("\nlistening: ") != std::string::npos; },
                       std::chrono::seconds(5)));
    auto logs = daemon.emu({"logs", lab, "srv"}).out;
    INFO(logs);
    CHECK(logs.find("\nlistening: 1\n") != std::string::npos);
    REQUIRE(daemon.emu({"down", lab}).ok());
}
