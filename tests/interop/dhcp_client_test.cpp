// emu-host's DHCP client in real labs: against dnsmasq, and through its whole life with
// emu-dhcpd — bound, renewed at T1, rebound at T2 while its server is cut off, restarted
// after a crash (INIT-REBOOT), and released when stopped. Needs root and ci/deps' packages.
#include <catch2/catch.hpp>

#include <signal.h>

#include <fmt/format.h>

#include "tests/integration/harness.hpp"

using namespace emu::test;
using namespace std::chrono_literals;

namespace {

// A LAN with emu-dhcpd and c1, whose `eth0: dhcp` runs emu-host's client as the lab starts.
std::string agent_lab(const std::string& lease) {
    return fmt::format(R"(name: dhcp
nodes:
  lan: {{kind: switch}}
  srv:
    kind: server
    interfaces: {{eth0: 10.0.9.1/24}}
    services:
      dhcp: {{pool: 10.0.9.100-10.0.9.120, router: 10.0.9.1, dns: 10.0.9.1, domain: lab.example, lease: {}}}
  c1: {{interfaces: {{eth0: dhcp}}}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [c1:eth0, lan]
)",
                       lease);
}

}  // namespace

TEST_CASE("emu-host's client gets a lease from dnsmasq and configures address, route and resolv.conf",
          "[root][interop][dhcp]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("hdnsmasq");
    auto leases = (daemon.state_dir() / "dnsmasq.leases").string();
    TopologyFile topology("dhcp", fmt::format(R"(name: dhcp
nodes:
  lan: {{kind: switch}}
  srv:
    interfaces: {{eth0: 10.0.9.1/24}}
    exec:
      - "dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --interface=eth0 --bind-interfaces
         --dhcp-range=10.0.9.100,10.0.9.150,255.255.255.0,10m --dhcp-option=option:router,10.0.9.1
         --dhcp-option=option:dns-server,10.0.9.53 --dhcp-option=option:domain-name,lab.example
         --dhcp-leasefile={} --log-dhcp --log-facility=-"
  c1: {{}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [c1:eth0, lan]
)",
                                              leases));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return logged(daemon, lab, "srv", "DHCP, IP range"); }, 5s));

    // emu-host is found by name inside the node: `emu exec` puts emu's programs on the PATH.
    auto exchange = daemon.emu({"exec", lab, "c1", "--", "emu-host", "dhcp", "eth0", "--timeout", "10"});
    INFO(exchange.out << exchange.err << daemon.emu({"logs", lab, "srv"}).out);
    REQUIRE(exchange.ok());
    CHECK(exchange.out.find("server     10.0.9.1\n") != std::string::npos);
    CHECK(exchange.out.find("routers    10.0.9.1\n") != std::string::npos);
    CHECK(exchange.out.find("lease      600 s") != std::string::npos);
    auto address = ipv4_address_of(daemon, lab, "c1");
    CHECK(address.rfind("10.0.9.1", 0) == 0);  // 10.0.9.100-150
    CHECK(exchange.out.find("address    " + address + "/24\n") != std::string::npos);

    auto routes = daemon.emu({"exec", lab, "c1", "--", "ip", "route", "show", "default"}).out;
    CHECK(routes.find("default via 10.0.9.1 dev eth0 proto dhcp") != std::string::npos);
    auto resolv = daemon.emu({"exec", lab, "c1", "--", "cat", "/etc/resolv.conf"}).out;
    CHECK(resolv.find("search lab.example\nnameserver 10.0.9.53\n") != std::string::npos);
    // The address lives as long as the lease: the kernel drops it if nobody renews it.
    auto shown = daemon.emu({"exec", lab, "c1", "--", "ip", "-4", "addr", "show", "dev", "eth0"}).out;
    CHECK(shown.find("dynamic") != std::string::npos);
    CHECK(daemon.emu({"exec", lab, "c1", "--", "ping", "-c1", "-W2", "10.0.9.1"}).ok());
    CHECK(logged(daemon, lab, "srv", "DHCPACK(eth0) " + address));
}

TEST_CASE("emu-host renews at T1 and, with its server cut off, rebinds at T2 by broadcast",
          "[root][interop][dhcp][slow]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("hrebind");
    TopologyFile topology("dhcp", agent_lab("8s"));  // T1 after 4 s, T2 after 7 s
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return logged(daemon, lab, "c1", "dhcp.bound"); }, 5s));
    CHECK(ipv4_address_of(daemon, lab, "c1") == "10.0.9.100");

    // T1: a unicast REQUEST to the server that leased it, answered.
    REQUIRE(wait_until([&] { return logged(daemon, lab, "c1", "dhcp.renewed"); }, 8s));
    // The server's cable is pulled: the next renewal goes unanswered…
    REQUIRE(daemon.emu({"link", lab, "srv:eth0", "down"}).ok());
    REQUIRE(wait_until([&] { return logged(daemon, lab, "c1", "dhcp.renew ", 2); }, 8s));
    REQUIRE(daemon.emu({"link", lab, "srv:eth0", "up"}).ok());
    // …until T2, when the client asks any server by broadcast, and the lease goes on.
    REQUIRE(wait_until([&] { return logged(daemon, lab, "c1", "dhcp.rebound"); }, 8s));
    CHECK(ipv4_address_of(daemon, lab, "c1") == "10.0.9.100");

    auto trace = daemon.emu({"trace", lab, "--protocol", "dhcp", "--node", "c1"}).out;
    INFO(trace);
    // RFC 2131 §4.4.5: RENEWING unicasts from the leased address; REBINDING broadcasts from it.
    CHECK(trace.find("IPv4 10.0.9.100 → 10.0.9.1 ") != std::string::npos);
    auto rebind = trace.find("IPv4 10.0.9.100 → 255.255.255.255");
    REQUIRE(rebind != std::string::npos);
    CHECK(trace.find("DHCP REQUEST", rebind) != std::string::npos);
    CHECK(trace.find("DHCP ACK", rebind) != std::string::npos);
}

TEST_CASE("emu-host restarted after a crash asks for its address back, and stopped, releases it",
          "[root][interop][dhcp]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("hreboot");
    TopologyFile topology("dhcp", agent_lab("10m"));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return logged(daemon, lab, "c1", "dhcp.bound"); }, 5s));
    auto resolv = daemon.emu({"exec", lab, "c1", "--", "cat", "/etc/resolv.conf"}).out;
    CHECK(resolv.find("search lab.example\nnameserver 10.0.9.1\n") != std::string::npos);

    // A crash: the lab restarts the client, which finds its lease on disk (INIT-REBOOT).
    auto first = process_pid(daemon, lab, "c1", "dhcp-client");
    REQUIRE(first > 0);
    REQUIRE(::kill(first, SIGKILL) == 0);
    REQUIRE(wait_until([&] { return logged(daemon, lab, "c1", "dhcp.bound", 2); }, 5s));
    auto logs = daemon.emu({"logs", lab, "c1"}).out;
    INFO(logs);
    CHECK(count_of(logs, "dhcp.reboot_request") == 1);
    CHECK(count_of(logs, "dhcp.discover") == 1);  // only the first start discovered
    CHECK(ipv4_address_of(daemon, lab, "c1") == "10.0.9.100");
    auto trace = daemon.emu({"trace", lab, "--protocol", "dhcp"}).out;
    CHECK(trace.find("requested=10.0.9.100\n") != std::string::npos);  // no server id: INIT-REBOOT

    // Stopped cleanly: RELEASE to the server, the address goes, and it is not restarted.
    auto second = process_pid(daemon, lab, "c1", "dhcp-client");
    REQUIRE(second > 0);
    REQUIRE(second != first);
    REQUIRE(::kill(second, SIGTERM) == 0);
    REQUIRE(wait_until([&] { return logged(daemon, lab, "srv", "dhcp.release 10.0.9.100"); }, 5s));
    REQUIRE(wait_until([&] { return ipv4_address_of(daemon, lab, "c1").empty(); }, 5s));
    resolv = daemon.emu({"exec", lab, "c1", "--", "cat", "/etc/resolv.conf"}).out;
    CHECK(resolv.find("nameserver") == std::string::npos);
    // Its exit comes a moment after the address goes (the kernel still releases its sockets).
    CHECK(wait_until([&] { return process_pid(daemon, lab, "c1", "dhcp-client") == 0; }, 5s));
    CHECK(count_of(daemon.emu({"logs", lab, "c1"}).out, "dhcp-client started") == 2);  // not restarted
}
