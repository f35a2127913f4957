// `emu run` on real labs: the shipped scenarios pass, a missing packet fails within its
// deadline with the trace and the pcapng to show for it, and steps act on a running lab.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "lib/util/files.hpp"
#include "tests/integration/harness.hpp"

using namespace emu::test;

namespace {

const std::string kScenarios = EMU_SOURCE_DIR "/topologies/campus/";

}  // namespace

TEST_CASE("the campus ping scenario passes and writes JUnit, and its lab goes afterwards", "[root][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("sping");
    auto junit = (daemon.state_dir() / "ping.xml").string();
    auto run = daemon.emu({"run", kScenarios + "ping.scenario.yaml", "--name", lab, "--junit", junit});
    INFO(run.out << run.err);
    CHECK(run.ok());
    CHECK(run.out.find("PASSED: 8 passed, 0 failed, 0 skipped") != std::string::npos);
    auto xml = emu::util::read_file(junit);
    REQUIRE(xml);
    CHECK(xml->find("<testsuite name=\"ping-across-the-router\" tests=\"8\" failures=\"0\" skipped=\"0\"") !=
          std::string::npos);
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
}

TEST_CASE("the campus TCP scenario sees the handshake, the data and both FINs", "[root][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("stcp");
    auto run = daemon.emu({"run", kScenarios + "tcp.scenario.yaml", "--name", lab, "--json"});
    INFO(run.out << run.err);
    CHECK(run.ok());
    auto report = nlohmann::json::parse(run.out);
    CHECK(report["passed"] == true);
    CHECK(report["checks"].size() == 9);
    // Nothing was lost, and the report says nothing of losses.
    CHECK(report["capture_losses"].empty());
    CHECK(report["frames_unseen"] == 0);
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
}

TEST_CASE("a scenario that expects a packet that never comes fails within its deadline and says why",
          "[root][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("snever");
    TopologyFile scenario("never.scenario.yaml",
                          "name: never\n"
                          "topology: " EMU_SOURCE_DIR "/topologies/campus.yaml\n"
                          "expect_within: 1\n"
                          "steps:\n"
                          "  - exec: ping -c1 -W2 10.0.3.11\n"
                          "    node: h1\n"
                          "expect_trace:\n"
                          "  - {protocol: ICMP, type: echo-request, ttl: 64}\n"
                          "  - {protocol: ICMP, type: echo-reply, ttl: 62}\n");
    auto pcapng = (daemon.state_dir() / "kept.pcapng").string();
    auto started = std::chrono::steady_clock::now();
    auto result = daemon.emu({"run", scenario, "--name", lab, "--pcapng", pcapng});
    auto elapsed = std::chrono::steady_clock::now() - started;
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    CHECK(elapsed < std::chrono::seconds(15));
    CHECK(result.out.find("failed   trace: ICMP type=echo-reply ttl=62") != std::string::npos);
    CHECK(result.out.find("line 9: no such event after frame") != std::string::npos);
    CHECK(result.out.find("the trace around it:") != std::string::npos);
    CHECK(result.out.find("ICMP echo reply") != std::string::npos);
    CHECK(result.out.find("every frame is kept in " + pcapng) != std::string::npos);
    auto tshark = run({"tshark", "-n", "-r", pcapng});
    REQUIRE(tshark.ok());
    CHECK(std::count(tshark.out.begin(), tshark.out.end(), '\n') >= 8);
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
}

TEST_CASE("a failed scenario's frames are kept in a private folder under TMPDIR, not the current one",
          "[root][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("stmp");
    auto temporary = daemon.state_dir() / "tmp";
    std::filesystem::create_directories(temporary);
    TopologyFile scenario("kept.scenario.yaml",
                          "name: kept\n"
                          "topology: " EMU_SOURCE_DIR "/topologies/campus.yaml\n"
                          "expect_within: 0.5\n"
                          "steps:\n"
                          "  - exec: ping -c1 -W2 10.0.3.11\n"
                          "    node: h1\n"
                          "expect_trace:\n"
                          "  - {protocol: ICMP, type: echo-reply, ttl: 62}\n");
    // emu runs in the test's state folder: that is the current folder here.
    auto result = daemon.emu({"run", scenario, "--name", lab, "--json"}, {{"TMPDIR", temporary.string()}});
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    auto report = nlohmann::json::parse(result.out, nullptr, false);
    REQUIRE(report.is_object());
    auto kept = std::filesystem::path(report.value("pcapng", std::string()));
    CHECK(kept.parent_path().parent_path() == temporary);
    CHECK(kept.parent_path().filename().string().starts_with("emu-run-"));
    CHECK(kept.filename().string().ends_with(".scenario.yaml-" + lab + ".pcapng"));  // SCENARIO-LAB.pcapng
    CHECK(std::filesystem::file_size(kept) > 0);
    CHECK((std::filesystem::status(kept.parent_path()).permissions() & std::filesystem::perms::all) ==
          std::filesystem::perms::owner_all);
    for (const auto& entry : std::filesystem::directory_iterator(daemon.state_dir())) {
        INFO(entry.path().string());
        CHECK(entry.path().extension() != ".pcapng");
    }
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
}

TEST_CASE("steps act on a running lab: a link pulled stops a ping, plugged back lets it through with routes intact",
          "[root][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("slink");
    REQUIRE(daemon.emu({"up", EMU_SOURCE_DIR "/topologies/campus.yaml", "--name", lab}).ok());
    TopologyFile scenario("link.scenario.yaml",
                          "name: link-down-and-up\n"
                          "steps:\n"
                          "  - link: h1:eth0\n"
                          "    state: down\n"
                          "  - exec: ping -c1 -W1 10.0.3.11\n"
                          "    node: h1\n"
                          "    expect_exit: 1\n"  // no reply: the cable is out, the route still there
                          "  - link: h1:eth0\n"
                          "    state: up\n"
                          "  - exec: ping -c1 -W1 10.0.3.11\n"
                          "    node: h1\n"
                          "    retry: 5\n"
                          "  - wait_trace: {protocol: ICMP, type: echo-reply, from: r1, to: h1}\n"
                          "    timeout: 2\n");
    auto run = daemon.emu({"run", scenario, "--lab", lab});
    INFO(run.out << run.err);
    CHECK(run.ok());
    CHECK(run.out.find("PASSED: 5 passed") != std::string::npos);
    // The interface itself stayed up with its default route: only its carrier went.
    auto routes = daemon.emu({"exec", lab, "h1", "--", "ip", "route", "show", "default"});
    CHECK(routes.out.find("default via 10.0.1.1") != std::string::npos);
    // A scenario run on a lab that was up leaves it up.
    CHECK(namespaces_with_prefix("emu-" + lab + "-").size() == 7);

    // What the scenario names is checked against the lab emud runs, before any step runs.
    TopologyFile wrong("wrong.scenario.yaml",
                       "name: wrong-node\n"
                       "steps:\n"
                       "  - link: h1:eth0\n"
                       "    state: down\n"
                       "  - exec: ping -c1 -W1 10.0.3.11\n"
                       "    node: h9\n");
    auto refused = daemon.emu({"run", wrong, "--lab", lab});
    INFO(refused.out << refused.err);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.err, ":6:11: error: lab " + lab + " has no node 'h9'\n    hint: did you mean 'h1'?"));
    CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W1", "-q", "10.0.3.11"}).ok());  // h1's link stayed up
}

TEST_CASE("a scenario run that lost frames says so, and a failure it may explain says that too",
          "[root][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("slost");
    // A ring of 1 MiB and a pcapng of 64 KiB: a flood of large pings passes both many times
    // over before the run first reads the trace, so its first frames (the ARP) are gone.
    TopologyFile topology("small-capture.yaml",
                          "name: small\n"
                          "capture: {ring: 1MiB, file_limit: 64KiB}\n"
                          "nodes:\n"
                          "  h1: {interfaces: {eth0: 10.0.1.10/24}}\n"
                          "  h2: {interfaces: {eth0: 10.0.1.11/24}}\n"
                          "links:\n"
                          "  - endpoints: [h1:eth0, h2:eth0]\n");
    TopologyFile scenario("lost.scenario.yaml",
                          "name: lost\n"
                          "topology: " + static_cast<const std::string&>(topology) + "\n"
                          "expect_within: 1\n"
                          "steps:\n"
                          "  - exec: ping -q -f -c 3000 -s 1400 10.0.1.11\n"
                          "    node: h1\n"
                          "expect_trace:\n"
                          "  - {protocol: ARP, op: request}\n");
    auto pcapng = (daemon.state_dir() / "kept.pcapng").string();
    auto result = daemon.emu({"run", scenario, "--name", lab, "--pcapng", pcapng, "--json"});
    INFO(result.out << result.err);
    CHECK(result.exit_code == 1);
    auto report = nlohmann::json::parse(result.out);
    REQUIRE(report["checks"].size() == 2);
    CHECK(report["checks"][0]["outcome"] == "passed");
    auto failure = report["checks"][1]["message"].get<std::string>();
    CHECK(failure.find("no such event") != std::string::npos);
    CHECK(failure.find("frames of the run were never seen") != std::string::npos);
    CHECK(failure.find("the event may have been one of them") != std::string::npos);
    CHECK(report["frames_unseen"].get<std::uint64_t>() > 1000);
    auto losses = report["capture_losses"].dump();
    CHECK(losses.find("the trace's memory ring (1 MiB, `capture: {ring: …}` in the topology) let its oldest") !=
          std::string::npos);
    CHECK(losses.find("frames are not in the pcapng: it reached its size limit (64 KiB, "
                      "`capture: {file_limit: …}` in the topology)") != std::string::npos);
    // The pcapng stopped at its limit and is whole up to there.
    CHECK(std::filesystem::file_size(pcapng) <= 64u * 1024);
    auto tshark = run({"tshark", "-n", "-r", pcapng});
    CHECK(tshark.ok());
    CHECK(std::count(tshark.out.begin(), tshark.out.end(), '\n') >= 20);
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
}
