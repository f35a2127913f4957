// emu-host ping and traceroute in a real lab (topologies/cidr: r1 with a /16 by r2 and a /24
// inside it by r3): what they print and how they exit, for replies, for ICMP errors from
// routers and from the host's own kernel, and when stopped.
#include <catch2/catch.hpp>

#include <csignal>

#include "tests/integration/harness.hpp"

using namespace emu::test;
using namespace std::chrono_literals;

namespace {

const char* kCidrTopology = EMU_SOURCE_DIR "/topologies/cidr/cidr.yaml";

// `emu-host TOOL ARGUMENTS…` on h1 of the lab.
CommandResult on_h1(TestDaemon& daemon, const std::string& lab, const std::string& tool,
                    const std::vector<std::string>& arguments) {
    std::vector<std::string> argv{"exec", lab, "h1", "--", "emu-host", tool};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return daemon.emu(argv);
}

}  // namespace

TEST_CASE("emu-host ping prints each reply, errors from routers and its own kernel, and iputils' statistics",
          "[root][host][ping]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("ping");
    REQUIRE(daemon.emu({"up", kCidrTopology, "--name", lab}).ok());
    auto ping = [&](const std::vector<std::string>& arguments) { return on_h1(daemon, lab, "ping", arguments); };

    auto replies = ping({"-c", "3", "-i", "0.05", "10.20.30.10"});
    INFO(replies.out << replies.err);
    CHECK(replies.exit_code == 0);
    CHECK(contains(replies.out, "PING 10.20.30.10 (10.20.30.10) 56(84) bytes of data."));
    for (const char* sequence : {"icmp_seq=1 ttl=62 time=", "icmp_seq=2 ttl=62 time=", "icmp_seq=3 ttl=62 time="}) {
        CHECK(contains(replies.out, std::string("64 bytes from 10.20.30.10: ") + sequence));
    }
    CHECK(contains(replies.out, "--- 10.20.30.10 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss"));
    CHECK(contains(replies.out, "rtt min/avg/max/mdev = "));

    auto sized = ping({"-c", "1", "-s", "1000", "-q", "10.20.5.10"});
    CHECK(sized.exit_code == 0);
    CHECK(contains(sized.out, "PING 10.20.5.10 (10.20.5.10) 1000(1028) bytes of data."));
    CHECK_FALSE(contains(sized.out, "bytes from"));  // -q
    CHECK(contains(sized.out, "1 packets transmitted, 1 received"));

    // TTL 1 dies at r1, which says so; r1 has no route at all to 10.99.0.0/16.
    auto expired = ping({"-c", "2", "-i", "0.05", "-t", "1", "10.20.30.10"});
    CHECK(expired.exit_code == 1);
    CHECK(contains(expired.out, "From 10.0.1.1 icmp_seq=1 Time to live exceeded"));
    CHECK(contains(expired.out, "2 packets transmitted, 0 received, +2 errors, 100% packet loss"));
    auto no_route = ping({"-c", "1", "10.99.0.1"});
    CHECK(no_route.exit_code == 1);
    CHECK(contains(no_route.out, "From 10.0.1.1 icmp_seq=1 Destination Net Unreachable"));

    // Nobody has 10.0.1.99: after three unanswered ARP requests h1's own kernel reports it.
    auto nobody = ping({"-c", "1", "-W", "5", "10.0.1.99"});
    CHECK(nobody.exit_code == 1);
    CHECK(contains(nobody.out, "From 10.0.1.10 icmp_seq=1 Destination Host Unreachable"));

    auto no_name = ping({"-c", "1", "nowhere.example"});
    CHECK(no_name.exit_code == 2);
    CHECK(contains(no_name.err, "emu-host ping: "));

    // Without a count it goes on until stopped, and then prints the statistics.
    BackgroundCommand endless({program("emu"), "exec", lab, "h1", "--", "emu-host", "ping", "-i", "0.05", "10.20.5.10"},
                              daemon.environment());
    REQUIRE(endless.wait_for_output("icmp_seq=3 ", 10s));
    CHECK(endless.stop(SIGINT, 5s) == 0);
    CHECK(contains(endless.output(), "--- 10.20.5.10 ping statistics ---"));
    CHECK(contains(endless.output(), "0% packet loss"));

    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("emu-host traceroute lists the routers on the way, by UDP or ICMP, and says when it did not get there",
          "[root][host][traceroute]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("trace");
    REQUIRE(daemon.emu({"up", kCidrTopology, "--name", lab}).ok());
    auto traceroute = [&](const std::vector<std::string>& arguments) { return on_h1(daemon, lab, "traceroute", arguments); };

    auto by_udp = traceroute({"10.20.30.10"});
    INFO(by_udp.out << by_udp.err);
    CHECK(by_udp.exit_code == 0);
    CHECK(contains(by_udp.out, "traceroute to 10.20.30.10 (10.20.30.10), 30 hops max, 60 byte packets\n 1  10.0.1.1  "));
    CHECK(contains(by_udp.out, "\n 2  10.255.13.2  "));
    CHECK(contains(by_udp.out, "\n 3  10.20.30.10  "));
    CHECK(count_of(by_udp.out, " ms") == 9);  // three probes a hop, each answered
    CHECK_FALSE(contains(by_udp.out, "\n 4 "));

    auto by_icmp = traceroute({"-I", "-q", "1", "10.20.5.10"});
    CHECK(by_icmp.exit_code == 0);
    CHECK(contains(by_icmp.out, "\n 2  10.255.12.2  "));
    CHECK(contains(by_icmp.out, "\n 3  10.20.5.10  "));

    // Starting at TTL 2 and stopping there: r3 answers, h3 is not reached.
    auto short_of_it = traceroute({"-f", "2", "-m", "2", "-q", "1", "10.20.30.10"});
    CHECK(short_of_it.exit_code == 1);
    CHECK(contains(short_of_it.out, "2 hops max"));
    CHECK(contains(short_of_it.out, "\n 2  10.255.13.2  "));
    CHECK_FALSE(contains(short_of_it.out, " 1  "));

    // r1 has no route to 10.99.0.0/16: its "net unreachable" ends the trace at the first hop.
    auto no_route = traceroute({"-q", "1", "10.99.0.1"});
    CHECK(no_route.exit_code == 1);
    CHECK(contains(no_route.out, "\n 1  10.0.1.1  "));
    CHECK(contains(no_route.out, " !N"));
    CHECK_FALSE(contains(no_route.out, "\n 2 "));

    REQUIRE(daemon.emu({"down", lab}).ok());
}
