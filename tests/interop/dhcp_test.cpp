// emu-dhcpd against the DHCP clients people run: udhcpc, dhclient and dhcpcd each get a
// lease, configure it with their own scripts and reach the gateway; a restarted server
// keeps its leases. Needs root and the Debian packages ci/deps installs.
#include <catch2/catch.hpp>

#include <fmt/format.h>


#include "lib/util/files.hpp"
#include "tests/integration/harness.hpp"

using namespace emu::test;

namespace {

// A LAN with the server (emu-dhcpd, started by the lab from `services: dhcp:`) and three clients.
const char* kLab = R"(name: dhcp
nodes:
  lan: {kind: switch}
  srv:
    kind: server
    interfaces: {eth0: 10.0.9.1/24}
    services:
      dhcp: {pool: 10.0.9.100-10.0.9.120, router: 10.0.9.1, dns: 10.0.9.1, domain: lab.example, lease: 10m}
  c1: {}  # no `dhcp`: each test runs the client it is about
  c2: {}
  c3: {}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [c1:eth0, lan]
  - endpoints: [c2:eth0, lan]
  - endpoints: [c3:eth0, lan]
)";

bool server_started(TestDaemon& daemon, const std::string& lab, int times = 1) {
    auto logs = daemon.emu({"logs", lab, "srv"});
    std::size_t count = 0;
    for (auto at = logs.out.find("dhcpd.start"); at != std::string::npos; at = logs.out.find("dhcpd.start", at + 1)) ++count;
    return count >= static_cast<std::size_t>(times);
}


}  // namespace

TEST_CASE("udhcpc, dhclient and dhcpcd each get a lease from emu-dhcpd and reach the gateway",
          "[root][interop][dhcp]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("idhcp");
    TopologyFile topology("dhcp", kLab);
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return server_started(daemon, lab); }, std::chrono::seconds(5)));
    auto state = daemon.state_dir().string();

    // udhcpc sets no broadcast bit: the OFFER and ACK must come to its MAC without ARP.
    auto udhcpc = daemon.emu({"exec", lab, "c1", "--", "udhcpc", "-i", "eth0", "-q", "-n", "-t", "5", "-T", "1"});
    INFO(udhcpc.out << udhcpc.err);
    REQUIRE(udhcpc.ok());
    auto dhclient = daemon.emu({"exec", lab, "c2", "--", "dhclient", "-1", "-lf", state + "/c2.leases", "-pf",
                                state + "/c2.pid", "eth0"});
    INFO(dhclient.out << dhclient.err);
    REQUIRE(dhclient.ok());
    auto dhcpcd = daemon.emu({"exec", lab, "c3", "--", "dhcpcd", "-4", "-1", "-t", "10", "--nohook", "resolv.conf",
                              "eth0"});
    INFO(dhcpcd.out << dhcpcd.err);
    REQUIRE(dhcpcd.ok());

    std::set<std::string> addresses;
    for (const char* client : {"c1", "c2", "c3"}) {
        INFO(client);
        auto address = ipv4_address_of(daemon, lab, client);
        REQUIRE_FALSE(address.empty());
        addresses.insert(address);
        CHECK(daemon.emu({"exec", lab, client, "--", "ping", "-c1", "-W2", "10.0.9.1"}).ok());
    }
    CHECK(addresses.size() == 3);
    auto logs = daemon.emu({"logs", lab, "srv"}).out;
    CHECK(logs.find("dhcp.ack 10.0.9.1") != std::string::npos);
}

TEST_CASE("a restarted emu-dhcpd never hands out an address it has acknowledged", "[root][interop][dhcp]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("idhcpr");
    TopologyFile topology("dhcp", kLab);
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return server_started(daemon, lab); }, std::chrono::seconds(5)));
    REQUIRE(daemon.emu({"exec", lab, "c1", "--", "udhcpc", "-i", "eth0", "-q", "-n", "-t", "5", "-T", "1"}).ok());
    auto first = ipv4_address_of(daemon, lab, "c1");
    REQUIRE_FALSE(first.empty());

    // The server dies and the lab starts it again; its leases come back with it.
    REQUIRE(daemon.emu({"exec", lab, "srv", "--", "pkill", "-KILL", "-x", "emu-dhcpd"}).ok());
    REQUIRE(wait_until([&] { return server_started(daemon, lab, 2); }, std::chrono::seconds(10)));
    // Another client asks for exactly that address (option 50): it gets a different one.
    auto greedy = daemon.emu({"exec", lab, "c2", "--", "udhcpc", "-i", "eth0", "-q", "-n", "-t", "5", "-T", "1", "-r",
                              first});
    INFO(greedy.out << greedy.err);
    REQUIRE(greedy.ok());
    auto second = ipv4_address_of(daemon, lab, "c2");
    REQUIRE_FALSE(second.empty());
    CHECK(second != first);
}

TEST_CASE("the DHCP lease scenario sees emu-host's DISCOVER, OFFER, REQUEST and ACK, the gateway answers, and udhcpc gets the next address",
          "[root][interop][dhcp][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("sdhcp");
    auto run = daemon.emu({"run", EMU_SOURCE_DIR "/topologies/dhcp/lease.scenario.yaml", "--name", lab});
    INFO(run.out << run.err);
    CHECK(run.ok());
    CHECK(run.out.find("PASSED: 11 passed, 0 failed, 0 skipped") != std::string::npos);
    CHECK(namespaces_with_prefix("emu-" + lab).empty());
}

TEST_CASE("the relay scenario sees every message on both LANs, and the client reaches the server",
          "[root][interop][dhcp][scenario]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("srelay");
    auto run = daemon.emu({"run", EMU_SOURCE_DIR "/topologies/dhcp/relay.scenario.yaml", "--name", lab});
    INFO(run.out << run.err);
    CHECK(run.ok());
    CHECK(run.out.find("PASSED: 11 passed, 0 failed, 0 skipped") != std::string::npos);
}

TEST_CASE("a client behind emu's relay gets a lease from dnsmasq", "[root][interop][dhcp]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("irelay");
    auto leases = (daemon.state_dir() / "dnsmasq.leases").string();
    TopologyFile topology("relay", fmt::format(R"(name: relay
nodes:
  lan1: {{kind: switch}}
  lan2: {{kind: switch}}
  r1:
    kind: router
    interfaces: {{eth0: 10.0.1.1/24, eth1: 10.0.2.1/24}}
    services:
      dhcp-relay: {{servers: [10.0.2.2]}}
  srv:
    kind: server
    interfaces: {{eth0: 10.0.2.2/24}}
    gateway: 10.0.2.1
    exec:
      - "dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --interface=eth0 --bind-interfaces
         --dhcp-range=10.0.1.100,10.0.1.150,255.255.255.0,10m --dhcp-option=option:router,10.0.1.1
         --dhcp-leasefile={} --log-dhcp --log-facility=-"
  h1: {{}}
links:
  - endpoints: [r1:eth0, lan1]
  - endpoints: [h1:eth0, lan1]
  - endpoints: [r1:eth1, lan2]
  - endpoints: [srv:eth0, lan2]
)",
                                               leases));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return daemon.emu({"logs", lab, "srv"}).out.find("DHCP, IP range") != std::string::npos; },
                       std::chrono::seconds(5)));
    auto client = daemon.emu({"exec", lab, "h1", "--", "udhcpc", "-i", "eth0", "-q", "-n", "-t", "5", "-T", "1"});
    INFO(client.out << client.err << daemon.emu({"logs", lab, "srv"}).out);
    REQUIRE(client.ok());
    CHECK((client.out + client.err).find("obtained from 10.0.2.2") != std::string::npos);
    CHECK(ipv4_address_of(daemon, lab, "h1").rfind("10.0.1.1", 0) == 0);  // 10.0.1.100-150
    CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "10.0.2.2"}).ok());
}

namespace {

// A LAN with emu-dhcpd handing out `pool` for `lease`, and two clients.
std::string small_lab(const std::string& pool, const std::string& lease) {
    return fmt::format(R"(name: dhcp
nodes:
  lan: {{kind: switch}}
  srv:
    kind: server
    interfaces: {{eth0: 10.0.9.1/24}}
    services:
      dhcp: {{pool: {}, router: 10.0.9.1, lease: {}}}
  c1: {{}}  # no `dhcp`: each test runs the client it is about
  c2: {{}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [c1:eth0, lan]
  - endpoints: [c2:eth0, lan]
)",
                       pool, lease);
}

}  // namespace

TEST_CASE("a full pool makes no offer and says so, garbage is dropped and counted, and service goes on",
          "[root][interop][dhcp]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("ifull");
    TopologyFile topology("dhcp", small_lab("10.0.9.100-10.0.9.100", "10m"));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return server_started(daemon, lab); }, std::chrono::seconds(5)));

    // Not DHCP, and DHCP cut short: both to the server's port, from inside its node.
    REQUIRE(daemon.emu({"exec", lab, "srv", "--", "sh", "-c",
                        "printf 'not dhcp at all' | nc -u -w1 127.0.0.1 67; "
                        "head -c 240 /dev/zero | nc -u -w1 127.0.0.1 67"})
                .ok());
    REQUIRE(wait_until([&] { return count_of(daemon.emu({"logs", lab, "srv"}).out, "dhcp.drop.malformed") >= 2; },
                       std::chrono::seconds(5)));

    REQUIRE(daemon.emu({"exec", lab, "c1", "--", "udhcpc", "-i", "eth0", "-q", "-n", "-t", "5", "-T", "1"}).ok());
    CHECK(ipv4_address_of(daemon, lab, "c1") == "10.0.9.100");
    // The one address is taken: c2 gets no offer, and the server's log says why.
    auto starved = daemon.emu({"exec", lab, "c2", "--", "udhcpc", "-i", "eth0", "-q", "-n", "-t", "2", "-T", "1"});
    CHECK_FALSE(starved.ok());
    auto logs = daemon.emu({"logs", lab, "srv"}).out;
    CHECK(logs.find("dhcp.pool_exhausted subnet 10.0.9.0/24: no address free for 02:00:00:00:00:03") != std::string::npos);
    auto status = daemon.emu({"status", lab});
    CHECK(status.out.find("dhcp     running") != std::string::npos);
}

TEST_CASE("a client renews at T1 with a unicast REQUEST and keeps its address", "[root][interop][dhcp]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("irenew");
    TopologyFile topology("dhcp", small_lab("10.0.9.100-10.0.9.120", "4s"));  // T1 after 2 s
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return server_started(daemon, lab); }, std::chrono::seconds(5)));
    // dhclient keeps its lease, in the background of the node, until the lab goes. (udhcpc
    // would do, but BusyBox stretches short leases, so it would renew much later.)
    auto state = daemon.state_dir().string();
    REQUIRE(daemon.emu({"exec", lab, "c1", "--", "dhclient", "-lf", state + "/c1.leases", "-pf", state + "/c1.pid",
                        "eth0"})
                .ok());
    REQUIRE(wait_until([&] { return count_of(daemon.emu({"logs", lab, "srv"}).out, "dhcp.ack 10.0.9.100") >= 2; },
                       std::chrono::seconds(10)));
    // The renewal: a REQUEST from its address, to the server's, not broadcast (RFC 2131 §4.4.5).
    std::string renewal;
    REQUIRE(wait_until(
        [&] {
            auto trace = daemon.emu({"trace", lab, "--protocol", "dhcp"}).out;
            auto at = trace.find("DHCP REQUEST xid=");
            while (at != std::string::npos && trace.find("ciaddr=10.0.9.100", at) > trace.find('\n', at)) {
                at = trace.find("DHCP REQUEST xid=", at + 1);
            }
            if (at == std::string::npos) return false;
            renewal = trace.substr(trace.rfind('\n', at) + 1, trace.find('\n', at) - trace.rfind('\n', at) - 1);
            return true;
        },
        std::chrono::seconds(5)));
    CHECK(renewal.find("c1 → srv") != std::string::npos);
    CHECK(renewal.find("IPv4 10.0.9.100 → 10.0.9.1") != std::string::npos);
    CHECK(ipv4_address_of(daemon, lab, "c1") == "10.0.9.100");
}

TEST_CASE("dhclient asking to keep an address from another network is refused, then gets one",
          "[root][interop][dhcp]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("inak");
    TopologyFile topology("dhcp", small_lab("10.0.9.100-10.0.9.120", "10m"));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return server_started(daemon, lab); }, std::chrono::seconds(5)));
    auto state = daemon.state_dir().string();
    emu::util::write_file_atomic(state + "/stale.leases", R"(lease {
  interface "eth0";
  fixed-address 10.0.5.5;
  option subnet-mask 255.255.255.0;
  renew 4 2037/01/01 00:00:00;
  rebind 4 2037/01/01 00:00:00;
  expire 4 2037/01/01 00:00:00;
}
)");
    // INIT-REBOOT (RFC 2131 §4.3.2): dhclient asks for 10.0.5.5; the server says no, it starts over.
    auto dhclient = daemon.emu({"exec", lab, "c1", "--", "dhclient", "-1", "-lf", state + "/stale.leases", "-pf",
                                state + "/c1.pid", "eth0"});
    INFO(dhclient.out << dhclient.err);
    REQUIRE(dhclient.ok());
    auto trace = daemon.emu({"trace", lab, "--protocol", "dhcp"}).out;
    INFO(trace);
    auto nak = trace.find("DHCP NAK");
    REQUIRE(nak != std::string::npos);
    CHECK(trace.find("\"wrong network\"", nak) != std::string::npos);
    CHECK(trace.find("DHCP ACK", nak) != std::string::npos);
    CHECK(ipv4_address_of(daemon, lab, "c1").rfind("10.0.9.1", 0) == 0);
}

TEST_CASE("dhcpcd finds its offered address taken, DECLINEs it, and the server holds it back and offers another",
          "[root][interop][dhcp][slow]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("idecline");
    TopologyFile topology("dhcp", small_lab("10.0.9.100-10.0.9.101", "10m"));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return server_started(daemon, lab); }, std::chrono::seconds(5)));
    // A machine someone configured by hand holds the pool's first address.
    REQUIRE(daemon.emu({"exec", lab, "c2", "--", "ip", "addr", "add", "10.0.9.100/24", "dev", "eth0"}).ok());

    // dhcpcd probes what it is given (RFC 5227), hears c2 answer, and DECLINEs it (RFC 2131
    // §4.4.1). (A lease an earlier run left in /var/lib/dhcpcd is asked for first and refused.)
    auto dhcpcd = daemon.emu({"exec", lab, "c1", "--", "dhcpcd", "-4", "-1", "-t", "30", "--nohook", "resolv.conf",
                              "--nohook", "hostname", "-f", "/dev/null", "-B", "eth0"});
    INFO(dhcpcd.out << dhcpcd.err);
    REQUIRE(dhcpcd.ok());
    CHECK(ipv4_address_of(daemon, lab, "c1") == "10.0.9.101");
    auto logs = daemon.emu({"logs", lab, "srv"}).out;
    INFO(logs);
    CHECK(logs.find("dhcp.decline 10.0.9.100 is in use on the network") != std::string::npos);
    CHECK(logs.find("dhcp.offer 10.0.9.101") != std::string::npos);
    // Held back: another client is not offered it either.
    auto starved = daemon.emu({"exec", lab, "c2", "--", "udhcpc", "-i", "eth0", "-q", "-n", "-t", "2", "-T", "1",
                               "-s", "/bin/true"});
    CHECK_FALSE(starved.ok());
    auto trace = daemon.emu({"trace", lab, "--protocol", "dhcp"}).out;
    CHECK(trace.find("DHCP DECLINE") != std::string::npos);
}
