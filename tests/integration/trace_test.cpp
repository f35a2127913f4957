// The trace of real labs: every frame captured once per link, decoded, in the pcapng, and
// followed live. Needs root.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>

#include "lib/util/files.hpp"
#include "tests/integration/harness.hpp"

using namespace emu::test;
using nlohmann::json;

namespace {

const std::string kCampus = EMU_SOURCE_DIR "/topologies/campus.yaml";

std::vector<json> trace_events(TestDaemon& daemon, const std::string& lab, const std::vector<std::string>& filters = {}) {
    std::vector<std::string> args{"trace", lab, "--json"};
    args.insert(args.end(), filters.begin(), filters.end());
    auto result = daemon.emu(args);
    REQUIRE(result.ok());
    std::vector<json> events;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) events.push_back(json::parse(line));
    return events;
}

// The layer of `protocol` in an event, or null.
json layer(const json& event, const std::string& protocol) {
    for (const auto& item : event["layers"]) {
        if (item["protocol"] == protocol) return item;
    }
    return nullptr;
}

json capture_counts(TestDaemon& daemon, const std::string& lab) {
    auto status = daemon.emu({"status", lab, "--json"});
    REQUIRE(status.ok());
    return json::parse(status.out)["capture"];
}

}  // namespace

TEST_CASE("a ping across the router is traced as ARP, the echo on both LANs with the TTL down by one, and the reply",
          "[root][trace]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("tping");
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    REQUIRE(daemon.emu({"exec", lab, "h1", "--", "ping", "-c1", "-W2", "10.0.3.11"}).ok());

    // The reply reached h1 before ping exited; the capture thread has it within its block timeout.
    std::vector<json> events;
    REQUIRE(wait_until(
        [&] {
            events = trace_events(daemon, lab, {"--protocol", "icmp"});
            return events.size() >= 4;
        },
        std::chrono::seconds(5)));
    // In order: h1 asks for its gateway, r1 answers, the echo crosses lan1 then lan3 (after
    // r1's own ARP there), and the reply comes back the same way. (Other frames, such as an
    // IGMP report when an interface comes up, may come between: the lab's kernels send them.)
    std::vector<std::string> seen;
    for (const auto& event : trace_events(daemon, lab)) {
        auto where = event["segment"].get<std::string>() + " " + event["from"].get<std::string>() + ">" +
                     event["to"].get<std::string>();
        if (auto arp = layer(event, "ARP"); !arp.is_null()) {
            auto fields = arp["fields"];
            auto asked = fields["op"] == "request" ? fields["target_ip"] : fields["sender_ip"];
            seen.push_back(where + " ARP " + fields["op"].get<std::string>() + " " + asked.get<std::string>());
        } else if (auto icmp = layer(event, "ICMP"); !icmp.is_null()) {
            seen.push_back(where + " ICMP " + icmp["fields"]["type"].get<std::string>() + " ttl " +
                           std::to_string(layer(event, "IPv4")["fields"]["ttl"].get<int>()));
        }
    }
    CHECK(seen == std::vector<std::string>{
                      "lan1 h1>ff:ff:ff:ff:ff:ff ARP request 10.0.1.1",
                      "lan1 r1>h1 ARP reply 10.0.1.1",
                      "lan1 h1>r1 ICMP echo-request ttl 64",
                      "lan3 r1>ff:ff:ff:ff:ff:ff ARP request 10.0.3.11",
                      "lan3 h6>r1 ARP reply 10.0.3.11",
                      "lan3 r1>h6 ICMP echo-request ttl 63",
                      "lan3 h6>r1 ICMP echo-reply ttl 64",
                      "lan1 r1>h1 ICMP echo-reply ttl 63",
                  });

    // The IPv4 layer names the ends of the whole path, so asking for h6 finds its echo on
    // h1's LAN too, where h6 is neither sender nor receiver of the frame; emud filters.
    auto echoes = trace_events(daemon, lab, {"--node", "h6", "--protocol", "icmp"});
    std::vector<std::string> path;
    for (const auto& event : echoes) {
        auto ipv4 = layer(event, "IPv4")["fields"];
        path.push_back(event["segment"].get<std::string>() + " " + ipv4.value("src_node", "?") + ">" +
                       ipv4.value("dst_node", "?"));
    }
    CHECK(path == std::vector<std::string>{"lan1 h1>h6", "lan3 h1>h6", "lan3 h6>h1", "lan1 h6>h1"});

    // The timeline says the same for people.
    auto timeline = daemon.emu({"trace", lab, "--node", "h1", "--protocol", "arp"});
    REQUIRE(timeline.ok());
    CHECK(timeline.out.find("lan1    h1 → ff:ff:ff:ff:ff:ff    ARP who-has 10.0.1.1 tell 10.0.1.10") !=
          std::string::npos);
    CHECK(timeline.out.find("10.0.3.11") == std::string::npos);  // lan3's ARP is not h1's

    // And as a ladder diagram: a lane per node, an arrow per frame.
    auto svg_file = (daemon.state_dir() / "ladder.svg").string();
    auto ladder = daemon.emu({"trace", lab, "--protocol", "icmp", "--svg", svg_file});
    REQUIRE(ladder.ok());
    CHECK(ladder.err.find("4 frames drawn in " + svg_file) != std::string::npos);
    auto svg = emu::util::read_file(svg_file);
    REQUIRE(svg);
    for (const char* lane : {">h1</text>", ">r1</text>", ">h6</text>"}) CHECK(svg->find(lane) != std::string::npos);
    CHECK(svg->find("[lan3] IPv4 10.0.1.10 → 10.0.3.11 ttl 63  ICMP echo request") != std::string::npos);
}

TEST_CASE("the pcapng holds every frame the trace reports, and tshark reads the same count", "[root][trace]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("tpcap");
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    REQUIRE(daemon.emu({"exec", lab, "h2", "--", "ping", "-c3", "-i0.2", "-W2", "10.0.2.11"}).ok());
    REQUIRE(wait_until([&] { return capture_counts(daemon, lab)["frames_in_file"].get<int>() >= 12; },
                       std::chrono::seconds(5)));

    auto file = daemon.state_dir() / "copy.pcapng";
    auto capture = daemon.emu({"capture", lab, "-w", file.string()});
    REQUIRE(capture.ok());
    auto reported = std::stoi(capture.err);  // "N frames written to FILE"
    CHECK(capture.err.find(" frames written to " + file.string()) != std::string::npos);
    auto tshark = run({"tshark", "-n", "-r", file.string(), "-T", "fields", "-e", "frame.interface_name"});
    REQUIRE(tshark.ok());
    std::istringstream lines(tshark.out);
    int frames = 0;
    std::set<std::string> interfaces;
    for (std::string line; std::getline(lines, line);) {
        ++frames;
        interfaces.insert(line);
    }
    CHECK(frames == reported);
    CHECK(frames >= 12);
    // One interface per link, named lab/link: h2 and h4 talk across r1 on lan1 and lan2.
    CHECK(interfaces.count(lab + "/h2:eth0--lan1:p3") == 1);
    CHECK(interfaces.count(lab + "/h4:eth0--lan2:p3") == 1);
    CHECK(interfaces.count(lab + "/r1:eth1--lan2:p1") == 1);

    // The trace numbers frames as the pcapng does.
    auto events = trace_events(daemon, lab);
    REQUIRE(events.size() >= static_cast<std::size_t>(reported));
    CHECK(events.front()["number"] == 1);
}

TEST_CASE("trace -f prints frames as they come and ends when the lab goes", "[root][trace]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("tfollow");
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    BackgroundCommand follower({program("emu"), "trace", lab, "-f", "--protocol", "icmp"},
                               {{"EMU_RUNTIME_DIR", daemon.runtime_dir().string()},
                                {"EMU_STATE_DIR", daemon.state_dir().string()}});
    REQUIRE(daemon.emu({"exec", lab, "h3", "--", "ping", "-c1", "-W2", "10.0.1.10"}).ok());
    CHECK(follower.wait_for_output("ICMP echo reply", std::chrono::seconds(5)));
    REQUIRE(daemon.emu({"down", lab}).ok());
    CHECK(follower.wait(std::chrono::seconds(5)) == 0);
}

TEST_CASE("capture keeps up with a flood of small frames, and counts what it could not keep", "[root][trace][slow]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("tflood");
    REQUIRE(daemon.emu({"up", kCampus, "--name", lab}).ok());
    // 50 000 echo requests and their replies between two hosts of one LAN: 100 000 frames,
    // bounded in count, as fast as the kernels go.
    auto flood = daemon.emu({"exec", lab, "h1", "--", "ping", "-q", "-f", "-c50000", "-s16", "-W1", "10.0.1.11"});
    REQUIRE(flood.ok());
    // Everything the kernel gave us is counted: kept, or dropped and said so.
    json counts;
    REQUIRE(wait_until(
        [&] {
            counts = capture_counts(daemon, lab);
            return counts["frames"].get<std::uint64_t>() + counts["kernel_dropped"].get<std::uint64_t>() >= 100'000;
        },
        std::chrono::seconds(10)));
    INFO(counts.dump());
    CHECK(counts["frames"].get<std::uint64_t>() == counts["frames_in_file"].get<std::uint64_t>() +
                                                       counts["frames_not_in_file"].get<std::uint64_t>());
    // The event ring is bounded in bytes; what it dropped is counted, and the trace says so.
    // (The lab's kernels may still send a frame or two meanwhile, so the trace is compared with
    // the counts from before and after it.)
    auto events = trace_events(daemon, lab);
    auto after = capture_counts(daemon, lab);
    auto accounted = events.size() + after["events_evicted"].get<std::uint64_t>();
    CHECK(accounted >= counts["frames"].get<std::uint64_t>());
    CHECK(accounted <= after["frames"].get<std::uint64_t>());
}

TEST_CASE("a DHCP exchange between stock peers is traced message by message", "[root][trace][interop]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("tdhcp");
    auto topology = daemon.state_dir() / "dhcp.yaml";
    emu::util::write_file_atomic(topology, R"(name: dhcp
nodes:
  lan: {kind: switch}
  srv: {interfaces: {eth0: 10.0.9.1/24}}
  cli: {}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [cli:eth0, lan]
)");
    REQUIRE(daemon.emu({"up", topology.string(), "--name", lab}).ok());
    // dnsmasq binds, then goes to the background; the lab's teardown ends it with its node.
    auto state = daemon.state_dir().string();
    REQUIRE(daemon.emu({"exec", lab, "srv", "--", "dnsmasq", "--conf-file=/dev/null", "--port=0", "--interface=eth0", "--bind-interfaces",
                        "--dhcp-range=10.0.9.100,10.0.9.150,255.255.255.0,10m", "--dhcp-option=option:router,10.0.9.1",
                        "--dhcp-leasefile=" + state + "/dnsmasq.leases", "--pid-file=" + state + "/dnsmasq.pid"})
                .ok());
    auto client = daemon.emu({"exec", lab, "cli", "--", "udhcpc", "-i", "eth0", "-q", "-n", "-t", "5", "-T", "1", "-s",
                              "/bin/true"});
    REQUIRE(client.ok());

    // DISCOVER, OFFER, REQUEST, ACK in that order (udhcpc may DISCOVER more than once).
    std::vector<json> dhcp;
    auto complete = [&] {
        dhcp = trace_events(daemon, lab, {"--protocol", "dhcp"});
        return !dhcp.empty() && layer(dhcp.back(), "DHCP")["fields"]["type"] == "ACK";
    };
    REQUIRE(wait_until(complete, std::chrono::seconds(5)));
    const char* expected[] = {"DISCOVER", "OFFER", "REQUEST", "ACK"};
    std::vector<json> steps;
    for (const auto& event : dhcp) {
        if (steps.size() < 4 && layer(event, "DHCP")["fields"]["type"] == expected[steps.size()]) steps.push_back(event);
    }
    REQUIRE(steps.size() == 4);

    // The seed's first step: from 0.0.0.0:68 to 255.255.255.255:67, to every MAC on the LAN.
    const auto& discover = steps[0];
    CHECK(discover["from"] == "cli");
    CHECK(discover["to"] == "ff:ff:ff:ff:ff:ff");
    CHECK(layer(discover, "IPv4")["fields"]["src"] == "0.0.0.0");
    CHECK(layer(discover, "IPv4")["fields"]["dst"] == "255.255.255.255");
    CHECK(layer(discover, "UDP")["fields"]["src_port"] == 68);
    CHECK(layer(discover, "UDP")["fields"]["dst_port"] == 67);
    auto offered = layer(steps[1], "DHCP")["fields"]["yiaddr"].get<std::string>();
    CHECK(offered.rfind("10.0.9.", 0) == 0);
    CHECK(steps[1]["from"] == "srv");
    CHECK(layer(steps[1], "DHCP")["fields"]["xid"] == layer(discover, "DHCP")["fields"]["xid"]);
    CHECK(layer(steps[2], "DHCP")["fields"]["requested_ip"] == offered);
    CHECK(layer(steps[2], "DHCP")["fields"]["server_id"] == "10.0.9.1");
    CHECK(layer(steps[3], "DHCP")["fields"]["yiaddr"] == offered);
    CHECK(layer(steps[3], "DHCP")["fields"]["routers"] == json{"10.0.9.1"});
    CHECK((client.out + client.err).find("lease of " + offered + " obtained") != std::string::npos);

    auto timeline = daemon.emu({"trace", lab, "--protocol", "dhcp"});
    REQUIRE(timeline.ok());
    CHECK(timeline.out.find("cli → ff:ff:ff:ff:ff:ff   IPv4 0.0.0.0 → 255.255.255.255 ttl 64  UDP 68 → 67 len") !=
          std::string::npos);
    CHECK(timeline.out.find("DHCP ACK xid=") != std::string::npos);
}

namespace {

// emud's resident memory, in bytes (VmRSS); 0 when it is not running.
std::size_t daemon_memory(const TestDaemon& daemon) {
    auto status = emu::util::read_file("/proc/" + std::to_string(daemon.daemon_pid()) + "/status").value_or("");
    auto at = status.find("VmRSS:");
    return at == std::string::npos ? 0 : std::stoul(status.substr(at + 6)) * 1024;
}

}  // namespace

TEST_CASE("emud's memory under HTTP load stays within the trace ring, and down gives it all back",
          "[root][trace][memory]") {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
    // AddressSanitizer's allocator keeps freed memory in quarantine and adds shadow memory:
    // what this test bounds is malloc's. The g++ build runs it.
    WARN("not measured under AddressSanitizer");
    return;
#endif
#endif
    TestDaemon daemon;
    REQUIRE(daemon.emu({"list"}).ok());  // emud runs, with nothing up
    auto idle = daemon_memory(daemon);
    REQUIRE(idle > 0);
    // The documented ring (64 MiB) plus what a busy lab needs besides: its kernel rings (8 MiB
    // for the fabric, 1 MiB per node), the frames waiting in the timeline, the decoders'
    // streams and malloc's slack. Measured: about 20 MB above the ring at peak.
    constexpr std::size_t kRing = 64u << 20;
    constexpr std::size_t kBesides = 48u << 20;
    constexpr std::size_t kAfterDown = 16u << 20;
    std::size_t peak = 0;
    std::vector<std::size_t> after_down;
    // As many cycles as the issue asked for: a leak of 1 MB a cycle crosses kAfterDown.
    for (int cycle = 0; cycle < 20; ++cycle) {
        auto lab = daemon.lab_name("mem");
        REQUIRE(daemon.emu({"up", EMU_SOURCE_DIR "/topologies/web-request/page.yaml", "--name", lab}).ok());
        REQUIRE(wait_until([&] { return !ipv4_address_of(daemon, lab, "h1").empty(); }, std::chrono::seconds(15)));
        // Far more frames than the ring holds: 20 connections for 2 s, as fast as they go.
        auto load = daemon.emu({"exec", lab, "h1", "--", "wrk", "-t1", "-c20", "-d2s", "http://10.0.2.80/"});
        INFO(load.out << load.err);
        REQUIRE(load.ok());
        peak = std::max(peak, daemon_memory(daemon));
        auto status = daemon.emu({"status", lab});
        CHECK(contains(status.out, "capture: "));
        REQUIRE(daemon.emu({"down", lab}).ok());
        // The kernel rings are unmapped in the background once down has answered
        // (lib/net/background_close): their 15 MB leave the count soon after.
        wait_until([&] { return daemon_memory(daemon) < idle + kAfterDown; }, std::chrono::seconds(5));
        after_down.push_back(daemon_memory(daemon));
    }
    INFO("idle " << idle << " B, peak " << peak << " B, after each down: " << after_down[0] << " … "
                 << after_down.back() << " B");
    CHECK(peak < idle + kRing + kBesides);
    // Each cycle ends near where emud started: malloc's arenas keep a few MB that vary from
    // run to run (measured 3–8 MB), but nothing adds up.
    for (auto size : after_down) CHECK(size < idle + kAfterDown);
}
