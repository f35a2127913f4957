// The main job: the web-page request scenario, whole — DHCP, ARP, DNS, the TCP handshake
// and HTTP, in order in the trace — and real tools in the same lab afterwards: dig and curl
// find the lab's DNS and web servers through what DHCP configured. Needs root.
#include <catch2/catch.hpp>

#include "tests/integration/harness.hpp"

using namespace emu::test;

TEST_CASE("the web-page request scenario passes, and dig and curl work in its lab", "[root][interop][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("sweb");
    auto run = daemon.emu({"run", EMU_SOURCE_DIR "/topologies/web-request/page.scenario.yaml", "--name", lab, "--keep"});
    INFO(run.out << run.err);
    REQUIRE(run.ok());
    CHECK(run.out.find("PASSED: 15 passed, 0 failed, 0 skipped") != std::string::npos);
    auto dig = daemon.emu({"exec", lab, "h1", "--", "dig", "+short", "www.example.com"});
    CHECK(dig.out == "10.0.2.80\n");
    auto curl = daemon.emu({"exec", lab, "h1", "--", "curl", "-s", "--max-time", "5", "http://www.example.com/"});
    INFO(curl.err);
    CHECK(curl.out.find("<h1>The page</h1>") != std::string::npos);
    auto verbose = daemon.emu({"exec", lab, "h1", "--", "emu-host", "get", "-v", "http://www.example.com/nope"});
    CHECK(verbose.exit_code == 1);
    CHECK(verbose.err.find("< HTTP/1.1 404 Not Found (from 10.0.2.80:80)") != std::string::npos);
    CHECK(verbose.err.find("emu-host: http://www.example.com/nope: HTTP 404 Not Found") != std::string::npos);
    // The whole request in one program, as a host just booted: DHCP first, then the page.
    auto booted = daemon.emu({"exec", lab, "h1", "--", "emu-host", "get", "-v", "--dhcp", "eth0", "http://www.example.com/"});
    INFO(booted.err);
    CHECK(booted.ok());
    CHECK(booted.out.find("<h1>The page</h1>") != std::string::npos);
    CHECK(booted.err.find("address    10.0.1.1") != std::string::npos);  // the lease, on stderr
    CHECK(booted.err.find("< HTTP/1.1 200 OK (from 10.0.2.80:80)") != std::string::npos);
    auto unknown = daemon.emu({"exec", lab, "h1", "--", "emu-host", "get", "http://nowhere.example.com/"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("nowhere.example.com: no such name (NXDOMAIN)") != std::string::npos);
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("the truncation scenario: an answer over 512 bytes comes with TC over UDP, then whole over TCP",
          "[root][interop][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("strunc");
    auto run = daemon.emu({"run", EMU_SOURCE_DIR "/topologies/web-request/truncation.scenario.yaml", "--name", lab});
    INFO(run.out << run.err);
    CHECK(run.ok());
    CHECK(run.out.find("PASSED: 7 passed, 0 failed, 0 skipped") != std::string::npos);
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
}
