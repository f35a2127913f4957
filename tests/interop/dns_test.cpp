// emu-dnsd against dig, in a lab: answers over UDP and TCP, an answer too large for 512
// bytes cut with TC and fetched again over TCP, NXDOMAIN with the SOA, REFUSED for other
// names and for zone transfers, DO echoed, ANY answered with one RRset, FORMERR for type 0;
// and the chain a host lives by: emu-host's DHCP client writes the lease's DNS server into
// resolv.conf, and dig, with no server named, asks it. Needs root and ci/deps' packages.
#include <catch2/catch.hpp>

#include <map>

#include <fmt/format.h>

#include "tests/integration/harness.hpp"

using namespace emu::test;
using namespace std::chrono_literals;

namespace {

std::string dns_lab() {
    std::string big;
    for (int i = 1; i <= 40; ++i) big += fmt::format("            - big A 10.0.3.{}\n", i);
    return R"(name: dns
nodes:
  lan: {kind: switch}
  srv:
    kind: server
    interfaces: {eth0: [10.0.9.1/24, 10.0.9.53/24]}
    services:
      dhcp: {pool: 10.0.9.100-10.0.9.120, router: 10.0.9.1, dns: 10.0.9.1, domain: lab.example}
      dns:
        zones:
          lab.example:
            - www A 10.0.2.80
            - web CNAME www
            - "@ MX 10 mail"
            - mail A 10.0.2.25
)" + big + R"(
  c1: {interfaces: {eth0: dhcp}}
  c2: {interfaces: {eth0: 10.0.9.2/24}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [c1:eth0, lan]
  - endpoints: [c2:eth0, lan]
)";
}

}  // namespace

TEST_CASE("dig gets answers from emu-dnsd over UDP and TCP, a large answer comes truncated, then whole over TCP",
          "[root][interop][dns]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("idns");
    TopologyFile topology("dns", dns_lab());
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    auto dig = [&](std::vector<std::string> arguments) {
        std::vector<std::string> command{"exec", lab, "c2", "--", "dig", "@10.0.9.1", "+norecurse"};
        command.insert(command.end(), arguments.begin(), arguments.end());
        auto result = daemon.emu(command);
        INFO(result.out << result.err);
        REQUIRE(result.ok());
        return result.out;
    };
    auto udp = dig({"web.lab.example"});
    CHECK(udp.find("status: NOERROR") != std::string::npos);
    CHECK(udp.find("flags: qr aa;") != std::string::npos);
    CHECK(udp.find("web.lab.example.\t3600\tIN\tCNAME\twww.lab.example.") != std::string::npos);
    CHECK(udp.find("www.lab.example.\t3600\tIN\tA\t10.0.2.80") != std::string::npos);
    CHECK(udp.find("EDNS: version: 0, flags:; udp: 1232") != std::string::npos);

    auto tcp = dig({"+tcp", "lab.example", "MX"});
    CHECK(tcp.find("lab.example.\t\t3600\tIN\tMX\t10 mail.lab.example.") != std::string::npos);
    CHECK(tcp.find("mail.lab.example.\t3600\tIN\tA\t10.0.2.25") != std::string::npos);  // additional

    // Without EDNS a UDP answer holds 512 bytes (RFC 1035 §4.2.1): forty A records do not fit.
    auto big = dig({"+noedns", "big.lab.example"});
    CHECK(big.find(";; Truncated, retrying in TCP mode.") != std::string::npos);
    CHECK(big.find("ANSWER: 40,") != std::string::npos);

    auto nx = dig({"nope.lab.example"});
    CHECK(nx.find("status: NXDOMAIN") != std::string::npos);
    CHECK(nx.find("lab.example.\t\t300\tIN\tSOA\tns.lab.example. hostmaster.lab.example. 1 3600 600 86400 300") !=
          std::string::npos);
    auto refused = dig({"www.example.org"});
    CHECK(refused.find("status: REFUSED") != std::string::npos);

    // Asked at its second address, the server answers from that address (IP_PKTINFO), or
    // dig would wait for a reply from where it asked and give up.
    auto second = daemon.emu({"exec", lab, "c2", "--", "dig", "@10.0.9.53", "+short", "+tries=1", "+time=2",
                              "www.lab.example"});
    CHECK(second.out == "10.0.2.80\n");

    // The trace: the truncated UDP answer, then the same question over TCP.
    auto trace = daemon.emu({"trace", lab, "--protocol", "dns"}).out;
    INFO(trace);
    auto cut = trace.find("DNS response A big.lab.example aa TC");
    REQUIRE(cut != std::string::npos);
    auto again = trace.find("TCP", cut);
    REQUIRE(again != std::string::npos);
    CHECK(trace.find("DNS query A big.lab.example", again) != std::string::npos);
    CHECK(trace.find("+36 more aa", again) != std::string::npos);
    auto logs = daemon.emu({"logs", lab, "srv"}).out;
    CHECK(logs.find("dns.answer big.lab.example. A from=10.0.9.2") != std::string::npos);
    CHECK(logs.find("dns.refused www.example.org.") != std::string::npos);
}

TEST_CASE("dig: a zone transfer is refused over TCP, DO comes back, ANY gets one RRset, type 0 is an error",
          "[root][interop][dns]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("idnsconf");
    TopologyFile topology("dns", dns_lab());
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    auto dig = [&](std::vector<std::string> arguments) {
        std::vector<std::string> command{"exec", lab, "c2", "--", "dig", "@10.0.9.1", "+norecurse", "+tries=1",
                                         "+time=2"};
        command.insert(command.end(), arguments.begin(), arguments.end());
        auto result = daemon.emu(command);
        return result.out + result.err;
    };
    {
        // `dig axfr` asks over TCP; REFUSED (RFC 5936 §4.2) makes it say the transfer failed.
        auto axfr = dig({"axfr", "lab.example"});
        INFO(axfr);
        CHECK(axfr.find("; Transfer failed.") != std::string::npos);
        CHECK(axfr.find("\tSOA\t") == std::string::npos);
        auto ixfr = dig({"ixfr=1", "lab.example"});
        INFO(ixfr);
        CHECK(ixfr.find("; Transfer failed.") != std::string::npos);
        // dig asks for a transfer over TCP whatever it is told; emu-host asks over UDP, and
        // takes REFUSED for no answer.
        auto udp =
            daemon.emu({"exec", lab, "c2", "--", "emu-host", "resolve", "--server", "10.0.9.1", "lab.example", "AXFR"});
        INFO(udp.err);
        CHECK(udp.exit_code == 1);
        CHECK(udp.err.find("no answer for lab.example from any name server") != std::string::npos);
    }
    {
        // RFC 3225 §3: the DO bit comes back in the OPT pseudo-section.
        auto dnssec = dig({"+dnssec", "www.lab.example"});
        INFO(dnssec);
        CHECK(dnssec.find("; EDNS: version: 0, flags: do; udp: 1232") != std::string::npos);
        CHECK(dnssec.find("www.lab.example.\t3600\tIN\tA\t10.0.2.80") != std::string::npos);
    }
    {
        // RFC 8482 §4.1: ANY at the apex, which has SOA, NS and MX, gets one RRset, over UDP
        // and over TCP.
        auto any = dig({"lab.example", "ANY"});
        INFO(any);
        CHECK(any.find("status: NOERROR") != std::string::npos);
        CHECK(any.find("ANSWER: 1,") != std::string::npos);
        CHECK(any.find("IN\tSOA\tns.lab.example.") != std::string::npos);
        auto any_tcp = dig({"+tcp", "lab.example", "ANY"});
        INFO(any_tcp);
        CHECK(any_tcp.find("ANSWER: 1,") != std::string::npos);
    }
    {
        // RFC 6895 §3.1: type 0 is no type.
        auto zero = dig({"www.lab.example", "TYPE0"});
        INFO(zero);
        CHECK(zero.find("status: FORMERR") != std::string::npos);
    }

    // The server's log: each refusal, and over which transport.
    auto logs = daemon.emu({"logs", lab, "srv"}).out;
    INFO(logs);
    std::map<std::string, int> refusals;
    for (std::size_t at = 0; (at = logs.find("dns.transfer_refused ", at)) != std::string::npos; ++at) {
        auto line = logs.substr(at, logs.find('\n', at) - at);
        auto over_tcp = line.size() > 4 && line.compare(line.size() - 4, 4, " tcp") == 0;
        ++refusals[line.substr(0, line.find(" from=")) + (over_tcp ? " tcp" : " udp")];
    }
    CHECK(refusals["dns.transfer_refused lab.example. AXFR tcp"] == 1);
    CHECK(refusals["dns.transfer_refused lab.example. IXFR tcp"] == 1);
    CHECK(refusals["dns.transfer_refused lab.example. AXFR udp"] >= 1);  // emu-host asks more than once
}

TEST_CASE("a host configured by DHCP asks the lab's DNS server through its resolv.conf", "[root][interop][dns]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("iresolv");
    TopologyFile topology("dns", dns_lab());
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return count_of(daemon.emu({"logs", lab, "c1"}).out, "dhcp.bound") >= 1; }, 5s));
    // No server named: dig reads /etc/resolv.conf, which emu-host wrote from the lease, and
    // with +search completes `www` from its search list.
    auto dig = daemon.emu({"exec", lab, "c1", "--", "dig", "+short", "+search", "www"});
    INFO(dig.out << dig.err);
    REQUIRE(dig.ok());
    CHECK(dig.out == "10.0.2.80\n");
    // The C library's resolver too (getent: /etc/hosts, then DNS).
    CHECK(daemon.emu({"exec", lab, "c1", "--", "getent", "hosts", "mail.lab.example"}).out.find("10.0.2.25") !=
          std::string::npos);
}

TEST_CASE("emu-host resolve asks through resolv.conf: the search list, CNAMEs, NXDOMAIN, and TCP after TC",
          "[root][interop][dns]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("iresolve");
    TopologyFile topology("dns", dns_lab());
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    REQUIRE(wait_until([&] { return count_of(daemon.emu({"logs", lab, "c1"}).out, "dhcp.bound") >= 1; }, 5s));
    auto resolve = [&](std::vector<std::string> arguments) {
        std::vector<std::string> command{"exec", lab, "c1", "--", "emu-host", "resolve", "-v"};
        command.insert(command.end(), arguments.begin(), arguments.end());
        return daemon.emu(command);
    };
    auto web = resolve({"web"});
    INFO(web.out << web.err);
    REQUIRE(web.ok());
    CHECK(web.out == "web.lab.example. 3600 IN CNAME www.lab.example.\nwww.lab.example. 3600 IN A 10.0.2.80\n");
    CHECK(web.err.find(";; web.lab.example. A from 10.0.9.1 over UDP") != std::string::npos);

    // Forty addresses exceed 512 bytes, but emu-host offers 1232 with EDNS: one UDP answer.
    auto big = resolve({"big.lab.example"});
    REQUIRE(big.ok());
    CHECK(count_of(big.out, " IN A 10.0.3.") == 40);

    auto nope = resolve({"nope.lab.example"});
    CHECK(nope.exit_code == 1);
    CHECK(nope.err.find("emu-host: nope.lab.example: no such name (NXDOMAIN)") != std::string::npos);
    auto no_mx = resolve({"www.lab.example", "MX"});
    CHECK(no_mx.exit_code == 1);
    CHECK(no_mx.err.find("no MX record") != std::string::npos);
}

TEST_CASE("emu-host resolve falls back to TCP when a server truncates, and works against dnsmasq",
          "[root][interop][dns]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("iresdnsmasq");
    std::string records;
    for (int i = 1; i <= 100; ++i) records += fmt::format(" --host-record=big.lab.example,10.0.3.{}", i);
    TopologyFile topology("dns", R"(name: dns
nodes:
  lan: {kind: switch}
  srv:
    interfaces: {eth0: 10.0.9.1/24}
    exec:
      - "dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --interface=eth0 --bind-interfaces
         --local=/lab.example/ --host-record=www.lab.example,10.0.2.80 --cname=web.lab.example,www.lab.example
        )" + records + R"("
  c1: {interfaces: {eth0: 10.0.9.2/24}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [c1:eth0, lan]
)");
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    auto ask = [&](const std::string& name) {
        return daemon.emu({"exec", lab, "c1", "--", "emu-host", "resolve", "-v", "--server", "10.0.9.1", name});
    };
    REQUIRE(wait_until([&] { return ask("www.lab.example").ok(); }, 5s));
    auto web = ask("web.lab.example");
    INFO(web.out << web.err);
    REQUIRE(web.ok());
    CHECK(web.out.find("IN A 10.0.2.80") != std::string::npos);
    // A hundred addresses do not fit the 1232 bytes emu-host offers: TC, then TCP.
    auto big = ask("big.lab.example");
    INFO(big.out << big.err);
    REQUIRE(big.ok());
    CHECK(count_of(big.out, " IN A 10.0.3.") == 100);
    CHECK(big.err.find("over TCP (the UDP answer was truncated)") != std::string::npos);
    auto trace = daemon.emu({"trace", lab, "--protocol", "dns"}).out;
    CHECK(trace.find("DNS response A big.lab.example") != std::string::npos);
    CHECK(trace.find("TC id=") != std::string::npos);
}
