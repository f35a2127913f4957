// `services: dns:` in a topology: the zones emu-dnsd is given, completed with an SOA and an
// NS record naming the server when the lines bring none.
#include <catch2/catch.hpp>

#include "emud/topology/loader.hpp"
#include "lib/wire/dns_zone.hpp"
#include "nodes/dnsd/config_json.hpp"

using namespace emu;
using namespace emu::topology;
using nlohmann::json;

namespace {

json program_config(const std::string& dns, const std::string& file_name = "d.yaml") {
    auto lab = load_topology(R"(name: d
nodes:
  lan: {kind: switch}
  srv:
    kind: server
    interfaces: {eth0: 10.0.2.53/24}
    services:
      dns: )" + dns + R"(
links:
  - endpoints: [srv:eth0, lan]
)",
                             LoadOptions{file_name, {}});
    if (!lab) FAIL(format_all(lab.error(), file_name));
    return lab->find_node("srv")->services.at(0).program_config;
}

}  // namespace

TEST_CASE("A zone of a few lines gets an SOA and an NS record for the server, with its address", "[topology][dns]") {
    auto config = program_config("{zones: {lab.example: [www A 10.0.2.80, '@ MX 10 mail', mail A 10.0.2.25]}}");
    REQUIRE(config["zones"].size() == 1);
    CHECK(config["zones"][0]["origin"] == "lab.example.");
    CHECK(config["zones"][0]["text"] ==
          "lab.example. 3600 IN SOA ns.lab.example. hostmaster.lab.example. 1 3600 600 86400 300\n"
          "lab.example. 3600 IN NS ns.lab.example.\n"
          "www.lab.example. 3600 IN A 10.0.2.80\n"
          "lab.example. 3600 IN MX 10 mail.lab.example.\n"
          "mail.lab.example. 3600 IN A 10.0.2.25\n"
          "ns.lab.example. 3600 IN A 10.0.2.53\n");
    // What emu-dnsd reads back is the same zone.
    auto zones = dns::zones_from_json(config);
    REQUIRE(zones.size() == 1);
    CHECK(zones[0].records.size() == 6);
}

TEST_CASE("A zone's own SOA and NS are kept, and its TTL applies to lines without one", "[topology][dns]") {
    auto config = program_config(R"({zones: {lab.example: {ttl: 5m, records: [
        "@ SOA dns1 admin 2026112501 1h 10m 1w 1m", "@ NS dns1", "dns1 A 10.0.2.53", "www 60 A 10.0.2.80"]}}})");
    CHECK(config["zones"][0]["text"] ==
          "lab.example. 300 IN SOA dns1.lab.example. admin.lab.example. 2026112501 3600 600 604800 60\n"
          "lab.example. 300 IN NS dns1.lab.example.\n"
          "dns1.lab.example. 300 IN A 10.0.2.53\n"
          "www.lab.example. 60 IN A 10.0.2.80\n");
}

TEST_CASE("A zone file beside the topology is read as a name server reads it: $ORIGIN, $TTL, parentheses",
          "[topology][dns]") {
    auto config = program_config("{zones: {example.com: {file: example.com.zone}}}",
                                 EMU_SOURCE_DIR "/tests/data/zones/lab.yaml");
    REQUIRE(config["zones"].size() == 1);
    CHECK(config["zones"][0]["text"] ==
          "example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 2026112601 3600 600 604800 300\n"
          "example.com. 3600 IN NS ns1.example.com.\n"
          "example.com. 3600 IN MX 10 mail.example.com.\n"
          "ns1.example.com. 3600 IN A 10.0.2.53\n"
          "www.example.com. 300 IN A 10.0.2.80\n"
          "www.example.com. 3600 IN AAAA fd00:2::80\n"
          "mail.example.com. 3600 IN A 10.0.2.25\n"
          "web.example.com. 3600 IN CNAME www.example.com.\n"
          "h1.lab.example.com. 3600 IN A 10.0.1.10\n");
    // Relative to what? A topology given as text has no folder.
    auto lab = load_topology("name: d\nnodes:\n  srv:\n    kind: server\n    services:\n"
                             "      dns: {zones: {example.com: {file: example.com.zone}}}\n",
                             LoadOptions{"-", {}});
    REQUIRE_FALSE(lab);
    CHECK_THAT(format_all(lab.error(), "-"), Catch::Contains("is relative, and the topology has no folder"));
}

TEST_CASE("emu-dnsd refuses a configuration it cannot serve, naming the zone and the place", "[dns]") {
    auto refusal = [](const char* text) {
        try {
            dns::zones_from_json(json::parse(text));
        } catch (const std::invalid_argument& error) {
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    CHECK(refusal(R"({"zones": [{"origin": "a.example.", "text": "www A 1.2.3"}]})") ==
          "zones[0].text:1:7: '1.2.3' is not an IPv4 address");
    CHECK(refusal(R"({"zones": [{"origin": "a..example", "text": ""}]})").rfind("zones[0].origin: ", 0) == 0);
    CHECK(refusal(R"({"zones": {}})") == "`zones` is not a list");
    CHECK(refusal(R"({"zones": [{"origin": "a.example."}]})") == "zones[0]: needs `origin` and `text`, both strings");
}
