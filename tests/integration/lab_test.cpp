// Labs made for real: namespaces, veths, bridges, addresses, routes, processes. Needs root.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/integration/harness.hpp"

using namespace emu::test;

namespace {

const std::string kCampus = EMU_SOURCE_DIR "/topologies/campus.yaml";

const std::vector<std::pair<std::string, std::string>> kCampusHosts{
    {"h1", "10.0.1.10"}, {"h2", "10.0.1.11"}, {"h3", "10.0.2.10"},
    {"h4", "10.0.2.11"}, {"h5", "10.0.3.10"}, {"h6", "10.0.3.11"}};

std::set<ino_t> lab_inodes(const std::string& lab) {
    std::set<ino_t> inodes;
    for (const auto& name : namespaces_with_prefix("emu-" + lab)) inodes.insert(namespace_inode(name));
    return inodes;
}

// After `down`: no namespace, no /etc/netns directory, no process of the lab, and the root
// namespace has the links it had before.
void require_nothing_left(const std::string& lab, const std::set<ino_t>& inodes,
                          const std::set<std::string>& links_before) {
    CHECK(namespaces_with_prefix("emu-" + lab + "-").empty());
    CHECK(namespaces_with_prefix("emu-" + lab + ".").empty());
    bool etc_left = false;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/etc/netns", error)) {
        if (entry.path().filename().string().rfind("emu-" + lab + "-", 0) == 0) etc_left = true;
    }
    CHECK_FALSE(etc_left);
    CHECK(processes_in(inodes).empty());
    CHECK(root_links() == links_before);
}

}  // namespace

TEST_CASE("every host of the campus pings every other host across the router", "[root][lab]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("campus");
    auto links_before = root_links();
    auto up = daemon.emu({"up", kCampus, "--name", lab});
    REQUIRE(up.ok());
    INFO(up.err);
    CHECK(up.out.find("lab " + lab + " is up: 10 nodes, 9 links") != std::string::npos);
    CHECK(up.out.find("r1    router  eth0       10.0.1.1/24") != std::string::npos);
    auto inodes = lab_inodes(lab);
    REQUIRE(inodes.size() == 8);  // seven nodes and the fabric

    for (const auto& [from, from_address] : kCampusHosts) {
        for (const auto& [to, address] : kCampusHosts) {
            if (from == to) continue;
            auto ping = daemon.emu({"exec", lab, from, "--", "ping", "-c1", "-W2", "-q", address});
            INFO(from << " -> " << to << ": " << ping.out << ping.err);
            CHECK(ping.ok());
        }
    }
    // Across the router the TTL is one less: the packet was routed, not bridged.
    auto routed = daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "10.0.3.11"});
    CHECK(routed.out.find("ttl=63") != std::string::npos);

    auto down = daemon.emu({"down", lab});
    REQUIRE(down.ok());
    CHECK(down.out.find("lab " + lab + " is down: 8 namespaces") != std::string::npos);
    require_nothing_left(lab, inodes, links_before);
}

TEST_CASE("ip netns exec sees the node's /etc/hosts, which names every node of the lab", "[root][lab]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("hosts");
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    auto hosts = run({"ip", "netns", "exec", "emu-" + lab + "-h1", "cat", "/etc/hosts"});
    REQUIRE(hosts.ok());
    CHECK(hosts.out.find("10.0.2.10\th3") != std::string::npos);
    CHECK(hosts.out.find("10.0.3.1\tr1") != std::string::npos);
    // Names resolve through it: ping by name from inside the node.
    auto by_name = daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "h6"});
    CHECK(by_name.ok());
    // And the node's own view: its hostname, its interfaces only.
    CHECK(daemon.emu({"exec", lab, "h4", "--", "hostname"}).out == "h4\n");
    auto links = daemon.emu({"exec", lab, "h4", "--", "ls", "/sys/class/net"});
    CHECK(links.out == "eth0\nlo\n");
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("two labs with the same node names run side by side", "[root][lab]") {
    TestDaemon daemon;
    auto first = daemon.lab_name("twina");
    auto second = daemon.lab_name("twinb");
    auto links_before = root_links();
    REQUIRE(daemon.emu({"up", kCampus, "--name", first}).ok());
    REQUIRE(daemon.emu({"up", kCampus, "--name", second}).ok());
    auto inodes = lab_inodes(first);
    for (const auto& lab : {first, second}) {
        CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.3.11"}).ok());
    }
    auto list = daemon.emu({"list"});
    CHECK(list.out.find(first) != std::string::npos);
    CHECK(list.out.find(second) != std::string::npos);
    REQUIRE(daemon.emu({"down", first}).ok());
    // The other lab is untouched.
    CHECK(daemon.emu({"exec", second, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.3.11"}).ok());
    REQUIRE(daemon.emu({"down", second}).ok());
    require_nothing_left(first, inodes, links_before);
    require_nothing_left(second, {}, links_before);
}

TEST_CASE("down kills a process a user started in the lab with emu exec … &", "[root][lab]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("bg");
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    auto inodes = lab_inodes(lab);
    // `emu exec` becomes the command; a shell inside forks a sleeper that outlives it.
    auto started = daemon.emu({"exec", lab, "h2", "--", "sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!"});
    REQUIRE(started.ok());
    pid_t sleeper = std::stoi(started.out);
    CHECK(::kill(sleeper, 0) == 0);
    CHECK(processes_in(inodes).size() == 1);
    auto down = daemon.emu({"down", lab});
    REQUIRE(down.ok());
    CHECK(down.out.find("1 processes removed") != std::string::npos);
    CHECK(processes_in(inodes).empty());
}

TEST_CASE("up of a lab that is up is a clear error, and down of one that is not fails unless told it may", "[root][lab]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("twice");
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    auto again = daemon.emu({"up", kCampus, "--name", lab});
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("lab " + lab + " is already up") != std::string::npos);
    REQUIRE(daemon.emu({"down", lab}).ok());
    // A typo in a CI script must not pass: the lab named is not there.
    auto down_again = daemon.emu({"down", lab});
    CHECK(down_again.exit_code == 1);
    CHECK(down_again.err == "emu: lab " + lab + " is not up\n    hint: a lab that is not up is fine with --missing-ok\n");
    auto forgiving = daemon.emu({"down", lab, "--missing-ok"});
    CHECK(forgiving.ok());
    CHECK(forgiving.out.find("is not up; nothing to remove") != std::string::npos);
}

TEST_CASE("an unknown command is named with the nearest one, and a wrong command line exits 2", "[root][lab]") {
    TestDaemon daemon;
    auto typo = daemon.emu({"stauts"});
    CHECK(typo.exit_code == 2);
    CHECK(typo.err == "emu: unknown command 'stauts'\n    hint: did you mean 'status'?\n");
    auto far = daemon.emu({"frobnicate"});
    CHECK(far.exit_code == 2);
    CHECK(far.err.find("the commands are: validate, gen, up, down,") != std::string::npos);
    CHECK(daemon.emu({"down"}).exit_code == 2);
    CHECK(daemon.emu({"status", "--no-such-flag"}).exit_code == 2);
    auto help = daemon.emu({"--help"});
    CHECK(help.ok());
    CHECK(help.out.find("Exit status: 0 when it did what was asked") != std::string::npos);
}

TEST_CASE("down --all during an up cancels that up, rolls it back, and takes every other lab down", "[root][lab]") {
    TestDaemon daemon;
    auto done = daemon.lab_name("done");
    auto building = daemon.lab_name("bldg");
    // emud's builds wait at their sixth veth until they are cancelled: linear,2 has three
    // and comes up; linear,4 has seven, so `down` surely finds it building.
    REQUIRE(daemon.emu({"up", "--topo", "linear,2", "--name", done}, {{"EMU_FAULT", "veth:5:pause"}}).ok());
    auto environment = daemon.environment();
    BackgroundCommand up({"/bin/sh", "-c", "exec \"$0\" up --topo linear,4 --name \"$1\" 2>&1", program("emu"), building},
                         environment);
    auto is_building = [&] {
        auto labs = nlohmann::json::parse(daemon.emu({"status", "--json"}).out, nullptr, false);
        if (!labs.is_object()) return false;
        for (const auto& lab : labs.value("labs", nlohmann::json::array())) {
            if (lab.value("name", "") == building && lab.value("state", "") == "building") return true;
        }
        return false;
    };
    REQUIRE(wait_until(is_building, std::chrono::seconds(20)));
    auto down = daemon.emu({"down", "--all"});
    INFO(down.out << down.err);
    CHECK(down.ok());
    CHECK(contains(down.out, "lab " + building + " was being built: its `emu up` was cancelled and rolled back"));
    CHECK(contains(down.out, "lab " + done + " is down"));
    CHECK(up.wait(std::chrono::seconds(20)) == 1);
    CHECK(contains(up.output(), "cancelled by `emu down`; everything made for lab " + building + " was removed"));
    CHECK(namespaces_with_prefix("emu-" + building).empty());
    CHECK(namespaces_with_prefix("emu-" + done).empty());
    CHECK(daemon.emu({"status"}).out == "no labs are up\n");
}

TEST_CASE("down --all removes every lab", "[root][lab]") {
    TestDaemon daemon;
    auto first = daemon.lab_name("alla");
    auto second = daemon.lab_name("allb");
    REQUIRE(daemon.emu({"up", kCampus, "--name", first}).ok());
    REQUIRE(daemon.emu({"up", "--topo", "linear,3", "--name", second}).ok());
    auto down = daemon.emu({"down", "--all"});
    REQUIRE(down.ok());
    CHECK(down.out.find("lab " + first + " is down") != std::string::npos);
    CHECK(down.out.find("lab " + second + " is down") != std::string::npos);
    CHECK(namespaces_with_prefix("emu-" + first).empty());
    CHECK(namespaces_with_prefix("emu-" + second).empty());
}

TEST_CASE("a topology with mistakes is refused before anything is made", "[root][lab]") {
    TestDaemon daemon;
    auto file = write_topology("bad", "name: bad\nnodes:\n  h1: {interfaces: {eth0: 10.0.0.300/24}}\n"
                                      "links:\n  - endpoints: [h1:eth0, h9:eth0]\n");
    auto up = daemon.emu({"up", file});
    CHECK(up.exit_code == 1);
    CHECK(up.err.find(":3:27: error: bad address of h1:eth0") != std::string::npos);
    CHECK(up.err.find(":5:26: error: endpoint 'h9:eth0' names no node 'h9'") != std::string::npos);
    CHECK(namespaces_with_prefix("emu-bad-").empty());
}

TEST_CASE("built-in shapes come up and their hosts reach each other", "[root][lab][shapes]") {
    TestDaemon daemon;
    SECTION("linear") {
        auto lab = daemon.lab_name("lin");
        REQUIRE(daemon.emu({"up", "--topo", "linear,4", "--name", lab}).ok());
        CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.0.4"}).ok());
        REQUIRE(daemon.emu({"down", lab}).ok());
    }
    SECTION("ring: static routes go round the ring") {
        auto lab = daemon.lab_name("ring");
        REQUIRE(daemon.emu({"up", "--topo", "ring,5", "--name", lab}).ok());
        CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.3.10"}).ok());
        CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.4.10"}).ok());
        auto routes = daemon.emu({"exec", lab, "r1", "--", "ip", "route", "show", "10.0.3.0/24"});
        CHECK(routes.out.find("via 172.16.0.2 dev eth1 proto static") != std::string::npos);
        REQUIRE(daemon.emu({"down", lab}).ok());
    }
    SECTION("tree") {
        auto lab = daemon.lab_name("tree");
        REQUIRE(daemon.emu({"up", "--topo", "tree,2,2", "--name", lab}).ok());
        CHECK(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "-q", "10.0.0.4"}).ok());
        REQUIRE(daemon.emu({"down", lab}).ok());
    }
}

TEST_CASE("long names get short kernel names and keep theirs as the alias", "[root][lab]") {
    TestDaemon daemon;
    auto file = write_topology("long", R"(name: long
nodes:
  a-router-with-a-long-name:
    kind: router
    interfaces:
      uplink-to-the-core: 10.9.0.1/30
  b: {interfaces: {eth0: 10.9.0.2/30}}
links:
  - endpoints: [a-router-with-a-long-name:uplink-to-the-core, b:eth0]
)");
    auto lab = daemon.lab_name("long");
    REQUIRE(daemon.emu({"up", file, "--name", lab}).ok());
    auto link = daemon.emu({"exec", lab, "a-router-with-a-long-name", "--", "ip", "-d", "link", "show", "if1"});
    CHECK(link.ok());
    CHECK(link.out.find("alias uplink-to-the-core") != std::string::npos);
    CHECK(daemon.emu({"exec", lab, "b", "--", "ping", "-c1", "-W2", "-q", "10.9.0.1"}).ok());
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("sysctls, MTU, MAC and IPv6 addresses are applied inside the node", "[root][lab]") {
    TestDaemon daemon;
    auto file = write_topology("settings", R"(name: settings
nodes:
  lan: {kind: switch}
  a:
    interfaces:
      eth0: {addresses: [10.1.0.1/24, 2001:db8::1/64], mtu: 9000, mac: 02:00:00:00:00:0a}
    sysctls: {net.ipv4.icmp_echo_ignore_all: 1}
  b:
    interfaces:
      eth0: {addresses: [10.1.0.2/24, 2001:db8::2/64], mtu: 9000}
links:
  - endpoints: [a:eth0, lan]
  - endpoints: [b:eth0, lan]
)");
    auto lab = daemon.lab_name("set");
    REQUIRE(daemon.emu({"up", file, "--name", lab}).ok());
    CHECK(daemon.emu({"exec", lab, "a", "--", "cat", "/proc/sys/net/ipv4/icmp_echo_ignore_all"}).out == "1\n");
    // a ignores echo requests; b does not.
    CHECK_FALSE(daemon.emu({"exec", lab, "b", "--", "ping", "-c1", "-W1", "-q", "10.1.0.1"}).ok());
    CHECK(daemon.emu({"exec", lab, "a", "--", "ping", "-c1", "-W2", "-q", "10.1.0.2"}).ok());
    // Jumbo frames cross the switch without fragmentation, and IPv6 works at once (no DAD wait).
    CHECK(daemon.emu({"exec", lab, "a", "--", "ping", "-c1", "-W2", "-q", "-M", "do", "-s", "8000", "10.1.0.2"}).ok());
    CHECK(daemon.emu({"exec", lab, "a", "--", "ping", "-6", "-c1", "-W2", "-q", "2001:db8::2"}).ok());
    auto link = daemon.emu({"exec", lab, "a", "--", "cat", "/sys/class/net/eth0/address"});
    CHECK(link.out == "02:00:00:00:00:0a\n");
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("exec keeps the command's exit status and says when there is no such command", "[root][lab]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("exit");
    REQUIRE(daemon.emu({"up", "--topo", "star,1", "--name", lab}).ok());
    CHECK(daemon.emu({"exec", lab, "h1", "--", "sh", "-c", "exit 42"}).exit_code == 42);
    auto missing = daemon.emu({"exec", lab, "h1", "--", "no-such-program-here"});
    CHECK(missing.exit_code == 127);
    CHECK(missing.err.find("no-such-program-here") != std::string::npos);
    auto no_node = daemon.emu({"exec", lab, "h7", "--", "true"});
    CHECK(no_node.exit_code == 1);
    CHECK(no_node.err.find("has no node h7") != std::string::npos);
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("exec gives the command the user's terminal", "[root][lab]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("tty");
    REQUIRE(daemon.emu({"up", "--topo", "star,1", "--name", lab}).ok());
    // script(1) runs the command on a new pseudo-terminal, as a user's shell would be.
    auto command = program("emu") + " exec " + lab + " h1 -- sh -c 'test -t 0 && test -t 1 && echo on-a-tty'";
    auto result = run({"script", "-q", "-e", "-c", command, "/dev/null"},
                      {{"EMU_RUNTIME_DIR", daemon.runtime_dir().string()}, {"EMU_STATE_DIR", daemon.state_dir().string()}});
    CHECK(result.ok());
    CHECK(result.out.find("on-a-tty") != std::string::npos);
    REQUIRE(daemon.emu({"down", lab}).ok());
}

TEST_CASE("graph draws a running lab as DOT and as SVG", "[root][lab][graph]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("graph");
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    auto dot = daemon.emu({"graph", lab});
    REQUIRE(dot.ok());
    CHECK(dot.out.find("graph \"" + lab + "\" {") == 0);
    CHECK(dot.out.find("\"h1\" -- \"lan1\"") != std::string::npos);
    auto svg_path = daemon.runtime_dir() / "lab.svg";
    REQUIRE(daemon.emu({"graph", lab, "--svg", svg_path.string()}).ok());
    std::ifstream svg(svg_path);
    std::string content((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
    CHECK(content.find("<svg") != std::string::npos);
    CHECK(content.find(">r1<") != std::string::npos);
    REQUIRE(daemon.emu({"down", lab}).ok());
}
