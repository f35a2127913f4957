#include <catch2/catch.hpp>

#include <atomic>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "emud/build/builder.hpp"
#include "emud/build/journal.hpp"
#include "emud/build/plan.hpp"
#include "emud/topology/loader.hpp"

using namespace emu;

namespace {

topology::Lab campus() {
    auto lab = topology::load_topology_file(EMU_SOURCE_DIR "/topologies/campus.yaml");
    REQUIRE(lab);
    return *lab;
}

}  // namespace

TEST_CASE("the campus plan has a fabric with three bridges and one namespace per node", "[plan]") {
    auto plan = build::plan_lab(campus(), {"/run/netns", "/etc/netns"});
    REQUIRE(plan.namespaces.size() == 8);
    CHECK(plan.namespaces[0].is_fabric());
    CHECK(plan.namespaces[0].path == "/run/netns/emu-campus.fabric");
    CHECK(plan.namespaces[1].node == "r1");
    CHECK(plan.namespaces[1].path == "/run/netns/emu-campus-r1");
    CHECK(plan.namespaces[1].etc_directory == "/etc/netns/emu-campus-r1");
    REQUIRE(plan.bridges.size() == 3);
    CHECK(plan.bridges[0].device.name == "lan1");
    CHECK(plan.bridges[0].device.ordinal == 1);
    REQUIRE(plan.veths.size() == 9);
    // r1:eth0 -- lan1: the fabric end is made and enslaved; the node end is its peer.
    const auto& first = plan.veths[0];
    CHECK(first.local.namespace_index == 0);
    CHECK(first.local.name == "lan1.p1");
    CHECK(first.local.master_ordinal == 1);
    CHECK(first.peer.name == "eth0");
    CHECK(first.peer.namespace_index == 1);
    CHECK(first.what == "link r1:eth0 -- lan1:p1 (line 26)");
}

TEST_CASE("a router forwards and a host does not, an IPv4-only lab turns IPv6 off", "[plan]") {
    auto plan = build::plan_lab(campus());
    auto has = [](const build::NamespacePlan& space, const std::string& key, const std::string& value) {
        return std::any_of(space.early_sysctls.begin(), space.early_sysctls.end(),
                           [&](const build::SysctlPlan& s) { return s.key == key && s.value == value; });
    };
    const auto& router = plan.namespaces[*plan.namespace_of("r1")];
    const auto& host = plan.namespaces[*plan.namespace_of("h1")];
    CHECK(has(router, "net.ipv4.ip_forward", "1"));
    CHECK(has(host, "net.ipv4.ip_forward", "0"));
    CHECK(has(router, "net.ipv4.conf.default.ignore_routes_with_linkdown", "1"));
    CHECK_FALSE(has(host, "net.ipv4.conf.default.ignore_routes_with_linkdown", "1"));
    CHECK(has(host, "net.ipv6.conf.all.disable_ipv6", "1"));
    CHECK(has(plan.namespaces[0], "net.ipv6.conf.default.disable_ipv6", "1"));
}

TEST_CASE("each node namespace gets its addresses, default route and /etc files", "[plan]") {
    auto plan = build::plan_lab(campus());
    const auto& h3 = plan.namespaces[*plan.namespace_of("h3")];
    REQUIRE(h3.addresses.size() == 1);
    CHECK(h3.addresses[0].ordinal == 1);
    CHECK(h3.addresses[0].prefix.to_string() == "10.0.2.10/24");
    REQUIRE(h3.routes.size() == 1);
    CHECK(h3.routes[0].destination.to_string() == "0.0.0.0/0");
    CHECK(h3.routes[0].via.to_string() == "10.0.2.1");
    CHECK(h3.peers_to_bring_up == std::vector<int>{1});
    CHECK(h3.hosts_file.find("10.0.3.11\th6\n") != std::string::npos);
    CHECK(h3.resolv_conf.find("no DNS server") != std::string::npos);
}

TEST_CASE("a node's nameservers and search domains become its resolv.conf, and bad ones are refused", "[plan]") {
    auto lab = topology::load_topology(R"(name: t
nodes:
  h1:
    interfaces: {eth0: 10.0.1.10/24}
    nameservers: [10.0.2.53, 10.0.3.53]
    search: [a.example, example]
  h2: {interfaces: {eth0: 10.0.1.11/24}, nameservers: 10.0.2.53}
links:
  - endpoints: [h1:eth0, h2:eth0]
)",
                                       {});
    REQUIRE(lab);
    auto plan = build::plan_lab(*lab);
    CHECK(plan.namespaces[*plan.namespace_of("h1")].resolv_conf ==
          "# node h1 of lab t, from its `nameservers` and `search`\nnameserver 10.0.2.53\nnameserver 10.0.3.53\n"
          "search a.example example\n");
    CHECK(plan.namespaces[*plan.namespace_of("h2")].resolv_conf ==
          "# node h2 of lab t, from its `nameservers` and `search`\nnameserver 10.0.2.53\n");
    auto refused = [](const std::string& keys) {
        auto bad = topology::load_topology("name: t\nnodes:\n  h1: {" + keys + "}\n", {"t.yaml", {}});
        return bad ? std::string("accepted") : topology::format_all(bad.error(), "t.yaml");
    };
    CHECK_THAT(refused("nameservers: [dns.example]"), Catch::Contains("a name server is an address"));
    CHECK_THAT(refused("nameservers: [1.1.1.1, 1.1.1.2, 1.1.1.3, 1.1.1.4]"), Catch::Contains("at most three"));
    CHECK_THAT(refused("search: ['a b']"), Catch::Contains("is not a domain name"));
}

TEST_CASE("ports between switches are enslaved after the pair is made", "[plan]") {
    auto lab = topology::load_topology("name: t\nnodes:\n  s1: {kind: switch}\n  s2: {kind: switch}\n"
                                       "links:\n  - endpoints: [s1, s2]\n",
                                       {});
    REQUIRE(lab);
    auto plan = build::plan_lab(*lab);
    REQUIRE(plan.veths.size() == 1);
    CHECK(plan.veths[0].local.name == "s1.p1");
    CHECK(plan.veths[0].peer.name == "s2.p1");
    REQUIRE(plan.namespaces[0].peer_masters.size() == 1);
    CHECK(plan.namespaces[0].peer_masters[0] == std::make_pair(plan.veths[0].peer.ordinal, 2));
    CHECK(plan.namespaces[0].peers_to_bring_up == std::vector<int>{plan.veths[0].peer.ordinal});
}

TEST_CASE("a fabric port name that does not fit is generated and the peer kept as alias", "[plan]") {
    auto lab = topology::load_topology(
        "name: t\nnodes:\n  a-very-long-switch: {kind: switch}\n  h: {}\nlinks:\n  - endpoints: [h:eth0, a-very-long-switch]\n",
        {});
    REQUIRE(lab);
    auto plan = build::plan_lab(*lab);
    CHECK(plan.bridges[0].device.name == "br1");
    CHECK(plan.veths[0].local.name == "port2");
    CHECK(plan.veths[0].local.alias == "h:eth0");
}

TEST_CASE("the journal reads back what was written, and ignores a line torn by a crash", "[journal]") {
    auto file = std::filesystem::temp_directory_path() / ("emu-journal-test-" + std::to_string(::getpid())) / "journal";
    std::filesystem::remove_all(file.parent_path());
    {
        auto journal = build::Journal::create(file, "lab1", "/x/lab.yaml", "name: lab1\n");
        journal.namespaces_intended({"/run/netns/emu-lab1-a", "/run/netns/emu-lab1-b"});
        journal.namespace_made("/run/netns/emu-lab1-a", 4026532999);
        journal.namespace_foreign("/run/netns/emu-lab1-b");
        journal.etc_intended({"/etc/netns/emu-lab1-a"});
    }
    std::ofstream(file, std::ios::app) << R"({"event":"ready")";  // torn: no closing brace, no newline
    auto contents = build::Journal::read(file);
    REQUIRE(contents);
    CHECK(contents->lab == "lab1");
    CHECK(contents->source_file == "/x/lab.yaml");
    CHECK(contents->topology_text == "name: lab1\n");
    CHECK(contents->boot_id == build::current_boot_id());
    CHECK(contents->created > 0);
    CHECK(contents->namespaces.size() == 2);
    CHECK(contents->namespace_inodes.at("/run/netns/emu-lab1-a") == 4026532999u);
    CHECK(contents->foreign_namespaces == std::vector<std::filesystem::path>{"/run/netns/emu-lab1-b"});
    CHECK(contents->etc_directories.size() == 1);
    CHECK_FALSE(contents->ready);
    // A second journal for the same lab is refused: the lab exists.
    CHECK_THROWS(build::Journal::create(file, "lab1", "", ""));
    std::filesystem::remove_all(file.parent_path());
    CHECK_FALSE(build::Journal::read(file));
}

TEST_CASE("the journal keeps the last word on each process, and whether up started them all", "[journal]") {
    auto file = std::filesystem::temp_directory_path() / ("emu-journal-procs-" + std::to_string(::getpid())) / "journal";
    std::filesystem::remove_all(file.parent_path());
    {
        auto journal = build::Journal::create(file, "lab1", "/x/lab.yaml", "name: lab1\n");
        journal.ready();
    }
    {
        auto journal = build::Journal::reopen(file);
        journal.process("dns", "dns", {"running", 100, 5000, 0, 0, 0, ""});
        journal.process("h1", "exec[0]", {"running", 101, 5001, 0, 0, 0, ""});
        journal.process("dns", "dns", {"crashed", 0, 5000, 0, 0, 9, ""});
        journal.process("dns", "dns", {"running", 102, 5002, 1, 0, 0, ""});
        journal.process("h1", "exec[0]", {"exited", 0, 5001, 0, 3, 0, ""});
    }
    auto contents = build::Journal::read(file);
    REQUIRE(contents);
    CHECK(contents->ready);
    CHECK_FALSE(contents->started);
    REQUIRE(contents->processes.size() == 2);
    const auto& dns = contents->processes.at({"dns", "dns"});
    CHECK(dns.state == "running");
    CHECK(dns.pid == 102);
    CHECK(dns.start_ticks == 5002);
    CHECK(dns.restarts == 1);
    const auto& command = contents->processes.at({"h1", "exec[0]"});
    CHECK(command.state == "exited");
    CHECK(command.exit_code == 3);

    // A line with a field of the wrong type is not emud's: skipped whole, the rest kept.
    std::ofstream(file, std::ios::app) << R"({"event":"process","node":"dns","name":"dns","state":"running","pid":"x"})"
                                       << "\n"
                                       << R"({"event":"begin","lab":"other","boot_id":7})" << "\n";
    build::Journal::reopen(file).started();
    contents = build::Journal::read(file);
    REQUIRE(contents);
    CHECK(contents->started);
    CHECK(contents->processes.at({"dns", "dns"}).pid == 102);
    CHECK(contents->lab == "lab1");
    std::filesystem::remove_all(file.parent_path());
}

TEST_CASE("EMU_FAULT names a phase, an index and optionally kill or pause", "[builder]") {
    using Action = build::FaultPoint::Action;
    ::setenv("EMU_FAULT", "veth:12:kill", 1);
    auto point = build::FaultPoint::from_environment();
    REQUIRE(point);
    CHECK(point->phase == "veth");
    CHECK(point->at == 12);
    CHECK(point->action == Action::kill);
    ::setenv("EMU_FAULT", "netns:3", 1);
    CHECK(build::FaultPoint::from_environment()->action == Action::fail);
    ::setenv("EMU_FAULT", "bridge:0:pause", 1);
    point = build::FaultPoint::from_environment();
    CHECK(point->action == Action::pause);
    // A pause lasts until the build is cancelled.
    std::atomic<bool> cancel{true};
    CHECK_NOTHROW(point->check("bridge", 0, &cancel));
    CHECK_NOTHROW(point->check("bridge", 1, &cancel));  // not the point
    point->action = Action::fail;
    CHECK_THROWS_WITH(point->check("bridge", 0), "injected fault at bridge #0 (EMU_FAULT)");
    ::unsetenv("EMU_FAULT");
    CHECK_FALSE(build::FaultPoint::from_environment());
}

TEST_CASE("node interfaces get MACs in file order, the user's kept and never repeated", "[plan]") {
    auto lab = topology::load_topology(
        "name: t\nnodes:\n  lan: {kind: switch}\n"
        "  a: {interfaces: {eth0: {mac: '02:00:00:00:00:02'}, eth1: {}}}\n"
        "  b: {}\n"
        "links:\n  - endpoints: [a:eth0, lan]\n  - endpoints: [a:eth1, b:eth0]\n  - endpoints: [b:eth1, lan]\n",
        {});
    REQUIRE(lab);
    auto plan = build::plan_lab(*lab);
    REQUIRE(plan.veths.size() == 3);
    CHECK(plan.veths[0].peer.mac->to_string() == "02:00:00:00:00:02");  // a:eth0, the user's
    CHECK(plan.veths[1].local.mac->to_string() == "02:00:00:00:00:01");  // a:eth1
    CHECK(plan.veths[1].peer.mac->to_string() == "02:00:00:00:00:03");   // b:eth0: :02 is taken
    CHECK(plan.veths[2].peer.mac->to_string() == "02:00:00:00:00:04");   // b:eth1
    CHECK_FALSE(plan.veths[0].local.mac);  // switch ports keep the kernel's
    // The same file plans the same addresses.
    CHECK(build::plan_lab(*lab).veths[2].peer.mac == plan.veths[2].peer.mac);
}
