// Scenarios without a lab: the file format and its errors, trace patterns on decoded
// golden frames, ordered matching, and the reports.
#include <catch2/catch.hpp>

#include "emud/scenario/report.hpp"
#include "emud/scenario/scenario.hpp"
#include "emud/trace/describe.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu;
using emu::test::golden_frame;

namespace {

trace::TraceEvent event_of(const std::string& golden, std::uint64_t number, const std::string& segment = "lan1") {
    trace::TraceEvent event;
    event.number = number;
    event.segment = segment;
    event.from = "h1";
    event.to = "r1";
    event.layers = trace::describe_frame(golden_frame(golden));
    return event;
}

scenario::TracePattern pattern(const std::string& yaml) {
    auto loaded = scenario::load_scenario("name: t\nexpect_trace:\n  - " + yaml + "\n", "t.yaml");
    if (!loaded) FAIL(topology::format_all(loaded.error(), "t.yaml"));
    return loaded->expect_trace.at(0);
}

std::string problems(const std::string& yaml) {
    auto loaded = scenario::load_scenario(yaml, "s.yaml");
    REQUIRE_FALSE(loaded);
    return topology::format_all(loaded.error(), "s.yaml");
}

}  // namespace

TEST_CASE("the shipped scenarios load, with their topology found beside them", "[scenario]") {
    auto ping = scenario::load_scenario_file(EMU_SOURCE_DIR "/topologies/campus/ping.scenario.yaml");
    REQUIRE(ping);
    CHECK(ping->name == "ping-across-the-router");
    CHECK(ping->topology->lexically_normal() == std::filesystem::path(EMU_SOURCE_DIR "/topologies/campus.yaml"));
    REQUIRE(ping->steps.size() == 1);
    const auto& exec = std::get<scenario::ExecStep>(ping->steps[0].action);
    CHECK(exec.node == "h1");
    CHECK(exec.expect_output == std::vector<std::string>{"1 received"});
    CHECK(ping->expect_trace.size() == 7);

    auto tcp = scenario::load_scenario_file(EMU_SOURCE_DIR "/topologies/campus/tcp.scenario.yaml");
    REQUIRE(tcp);
    CHECK(std::get<scenario::ExecStep>(tcp->steps[0].action).background);
    CHECK(std::get<scenario::ExecStep>(tcp->steps[1].action).retry == 5);
    CHECK(tcp->steps[1].name == "h5 listens on port 8080");

    // Every shipped scenario passes the checks at load (its patterns' protocols and fields).
    std::size_t shipped = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(EMU_SOURCE_DIR "/topologies")) {
        if (!entry.path().string().ends_with(".scenario.yaml")) continue;
        auto loaded = scenario::load_scenario_file(entry.path());
        INFO(entry.path().string() << (loaded ? "" : topology::format_all(loaded.error(), entry.path().string())));
        CHECK(loaded);
        ++shipped;
    }
    CHECK(shipped >= 9);
}

TEST_CASE("scenario mistakes are reported with line, column and a way out", "[scenario]") {
    CHECK(problems("name: s\nsteps:\n  - exec: ping\n    nod: h1\n").find("s.yaml:4:5: error: unknown exec step key 'nod'") !=
          std::string::npos);
    CHECK(problems("name: s\nsteps:\n  - exec: ping\n    nod: h1\n").find("did you mean 'node'") != std::string::npos);
    CHECK(problems("name: s\nsteps:\n  - exec: ping\n").find("3:5: error: an exec step needs `node:`") != std::string::npos);
    CHECK(problems("name: s\nsteps:\n  - {exec: a, node: h1, sleep: 1}\n").find("a step does one thing, not exec and sleep") !=
          std::string::npos);
    CHECK(problems("name: s\nsteps:\n  - sleep: soon\n").find("`sleep: soon` is not a number of seconds") !=
          std::string::npos);
    CHECK(problems("name: s\nsteps:\n  - link: h1:eth0\n").find("needs `state: down` or `state: up`") != std::string::npos);
    CHECK(problems("name: s\nsteps:\n  - link: h1\n    state: down\n").find("names no interface") != std::string::npos);
    CHECK(problems("name: s\nexpect_trace:\n  - ICMP\n").find("an event pattern is a map of fields") != std::string::npos);
    CHECK(problems("name: s\nsteps: []\n").find("neither `steps:` nor `expect_trace:`") != std::string::npos);
    CHECK(problems("steps:\n  - sleep: 1\n").find("has no `name:`") != std::string::npos);
    CHECK(problems("name: s\nstep: []\n").find("unknown scenario key 'step'") != std::string::npos);
    CHECK(problems("name: &a s\nsteps: *a\n").find("aliases") != std::string::npos);
    CHECK(problems("- just\n- a list\n").find("a scenario is a map, not a list") != std::string::npos);
}

TEST_CASE("a pattern that names a protocol or field no decoder makes is refused at load, with a suggestion",
          "[scenario][pattern]") {
    auto pattern_problems = [](const std::string& pattern) {
        return problems("name: s\nexpect_trace:\n  - " + pattern + "\n");
    };
    CHECK(pattern_problems("{protocol: ICMP, tpye: echo-request}") ==
          "s.yaml:3:22: error: unknown field 'tpye' for ICMP\n    hint: did you mean 'type'?\n");
    CHECK(pattern_problems("{protocol: ICNP, type: echo-request}") ==
          "s.yaml:3:16: error: unknown protocol 'ICNP'\n    hint: did you mean 'ICMP'?\n");
    // Protocols are named in any case, and so found.
    CHECK(pattern_problems("{protocol: ftp-dta}").find("did you mean 'FTP-DATA'?") != std::string::npos);
    CHECK(pattern_problems("{protocol: XYZZY}").find("the trace's protocols: Ethernet, ARP, IPv4") != std::string::npos);
    // A field of another protocol, whose layers never share a frame with this one.
    CHECK(pattern_problems("{protocol: ARP, ttl: 64}") ==
          "s.yaml:3:21: error: 'ttl' is a field of IPv4, which is never in a frame with ARP\n"
          "    hint: name `protocol: IPv4`, or drop the field\n");
    CHECK(pattern_problems("{protocol: ICMP, qname: www.example.com}").find("'qname' is a field of DNS") !=
          std::string::npos);
    CHECK(pattern_problems("{protocol: TCP, zzz: 1}").find("TCP's fields: src_port, dst_port, flags") != std::string::npos);
    CHECK(pattern_problems("{dst_prot: 53}").find("unknown field 'dst_prot'\n    hint: did you mean 'dst_port'?") !=
          std::string::npos);
    CHECK(pattern_problems("{from: [h1, h2]}").find("`from` is one value, not a list") != std::string::npos);
    CHECK(pattern_problems("{protocol: TCP, flags: []}").find("`flags: []` matches no event") != std::string::npos);
    // What the layers carrying a protocol and carried by it have is allowed: IPv4's ttl with
    // DNS, TCP's flags with DNS (over TCP), DNS's qname with UDP, and a malformed layer with any.
    auto fine = [](const std::string& pattern) {
        return scenario::load_scenario("name: s\nexpect_trace:\n  - " + pattern + "\n", "s.yaml").has_value();
    };
    CHECK(fine("{protocol: DNS, ttl: 63, flags: [SYN], qname: www.example.com}"));
    CHECK(fine("{protocol: udp, qname: www.example.com, src_node: h1}"));
    CHECK(fine("{protocol: malformed, layer: DNS, ttl: 64}"));
    CHECK(fine("{protocol: DHCP, error: truncated}"));
    CHECK(fine("{segment: lan1, summary: is-at, op: reply}"));
}

TEST_CASE("a pattern matches protocol, event fields and layer fields as the trace has them", "[scenario][pattern]") {
    auto syn = event_of("tcp_syn", 1);
    CHECK(pattern("{protocol: TCP, flags: [SYN], dst_port: 8080, segment: lan1}").matches(syn));
    CHECK(pattern("{protocol: tcp, flags: syn}").matches(syn));           // a word in the flags, any case
    CHECK_FALSE(pattern("{protocol: TCP, flags: [SYN, ACK]}").matches(syn));  // a list is the whole set
    CHECK(pattern("{protocol: TCP, src: 10.0.1.10, ttl: 64}").matches(syn));  // IPv4's fields, by number too
    CHECK_FALSE(pattern("{protocol: TCP, ttl: 63}").matches(syn));
    CHECK_FALSE(pattern("{protocol: UDP}").matches(syn));
    CHECK_FALSE(pattern("{protocol: TCP, segment: lan2}").matches(syn));
    CHECK(pattern("{from: h1, to: r1, summary: mss 1460}").matches(syn));

    auto syn_ack = event_of("tcp_syn_ack", 2);
    CHECK(pattern("{protocol: TCP, flags: [ACK, SYN]}").matches(syn_ack));
    // Ethernet's src is a MAC; with ARP named, sender_ip is ARP's.
    auto arp = event_of("arp_request", 3);
    CHECK(pattern("{protocol: ARP, op: request, target_ip: 10.0.1.1}").matches(arp));
    CHECK(pattern("{protocol: Ethernet, dst: 'ff:ff:ff:ff:ff:ff'}").matches(arp));
    CHECK(pattern("{protocol: ICMP, type: echo-request}").describe() == "ICMP type=echo-request");
}

TEST_CASE("a pattern finds IGMP messages by version, type, group and time", "[scenario][pattern][igmp]") {
    auto report = event_of("igmp_linux_v2_report", 1);
    auto leave = event_of("igmp_linux_v2_leave", 2);
    auto current = event_of("igmp_linux_v3_report_current", 3);
    auto query = event_of("igmp_bridge_v3_query", 4);
    auto report_of_group = pattern("{protocol: IGMP, type: report, group: 239.1.2.3}");
    CHECK(report_of_group.matches(report));
    CHECK_FALSE(report_of_group.matches(leave));
    CHECK(pattern("{protocol: igmp, type: Leave, version: 2}").matches(leave));
    // A version 3 report names its groups in records; `groups` holds them all.
    CHECK(pattern("{protocol: IGMP, version: 3, groups: 239.1.2.3}").matches(current));
    CHECK_FALSE(pattern("{protocol: IGMP, version: 2}").matches(current));
    CHECK(pattern("{protocol: IGMP, summary: MODE_IS_EXCLUDE 239.1.2.3}").matches(current));
    CHECK(pattern("{protocol: IGMP, type: query, general: true, max_response_ms: 10000, ttl: 1}").matches(query));
}

TEST_CASE("expected events must come in order, with others allowed between them", "[scenario][pattern]") {
    std::vector<scenario::TracePattern> patterns{pattern("{protocol: ARP}"), pattern("{protocol: TCP, flags: [SYN]}"),
                                                 pattern("{protocol: TCP, flags: [SYN, ACK]}")};
    // The SYN-ACK comes first here: it cannot count for the third pattern.
    std::vector<trace::TraceEvent> first{event_of("tcp_syn_ack", 1), event_of("arp_request", 2),
                                         event_of("icmp_echo_request", 3), event_of("tcp_syn", 4)};
    scenario::OrderedMatch match;
    scenario::match_in_order(patterns, first, match);
    CHECK(match.matched == std::vector<std::uint64_t>{2, 4});
    REQUIRE(match.missing);
    CHECK(*match.missing == 2);
    // More events arrive; matching goes on from where it was.
    std::vector<trace::TraceEvent> all = first;
    all.push_back(event_of("tcp_syn_ack", 5));
    scenario::match_in_order(patterns, all, match);
    CHECK(match.matched == std::vector<std::uint64_t>{2, 4, 5});
    CHECK_FALSE(match.missing);
}

TEST_CASE("reports: a table, JSON and JUnit XML with every check", "[scenario][report]") {
    scenario::RunReport report;
    report.scenario = "demo <&>";
    report.lab = "demo";
    report.checks = {{"step", "h1: ping", scenario::Outcome::passed, 0.5, "", "1 received\n"},
                     {"expect_trace", "trace: ICMP", scenario::Outcome::failed, 1, "no such event", ""},
                     {"expect_trace", "trace: ARP", scenario::Outcome::skipped, 0, "", ""}};
    CHECK_FALSE(report.passed());
    auto table = scenario::report_table(report);
    CHECK(table.find("failed   trace: ICMP") != std::string::npos);
    CHECK(table.find("FAILED: 1 passed, 1 failed, 1 skipped") != std::string::npos);
    auto junit = scenario::report_junit(report);
    CHECK(junit.find("<testsuite name=\"demo &lt;&amp;&gt;\" tests=\"3\" failures=\"1\" skipped=\"1\"") !=
          std::string::npos);
    CHECK(junit.find("<failure message=\"no such event\">") != std::string::npos);
    CHECK(junit.find("<system-out>1 received\n</system-out>") != std::string::npos);
    CHECK(junit.find("<skipped/>") != std::string::npos);
    auto json = scenario::report_json(report);
    CHECK(json["passed"] == false);
    CHECK(json["checks"].size() == 3);

    report.checks.resize(1);
    CHECK(report.passed());
    CHECK(scenario::report_table(report).find("PASSED: 1 passed, 0 failed, 0 skipped") != std::string::npos);
}
