// `services: ftp:` in a topology: what emu-ftpd is given, and the mistakes refused with the
// line they are on.
#include <catch2/catch.hpp>

#include "emud/topology/loader.hpp"

using namespace emu::topology;
using nlohmann::json;

namespace {

std::string lab_text(const std::string& ftp) {
    return R"(name: f
nodes:
  lan: {kind: switch}
  srv:
    kind: server
    interfaces: {eth0: 10.0.9.1/24}
    services:
      ftp: )" + ftp + R"(
links:
  - endpoints: [srv:eth0, lan]
)";
}

json program_config(const std::string& ftp) {
    auto lab = load_topology(lab_text(ftp), LoadOptions{"/labs/f.yaml", {}});
    if (!lab) FAIL(format_all(lab.error(), "f.yaml"));
    return lab->find_node("srv")->services.at(0).program_config;
}

std::string refusal(const std::string& ftp) {
    auto lab = load_topology(lab_text(ftp), LoadOptions{"f.yaml", {}});
    return lab ? std::string("accepted") : format_all(lab.error(), "f.yaml");
}

}  // namespace

TEST_CASE("An ftp service's users, files and ports become emu-ftpd's settings", "[topology][ftpd]") {
    auto config = program_config(R"({users: {alice: secret, bob: {password: pw, write: false}, carol: 1234},
        anonymous: true, passive_ports: 50000-50009, idle_timeout: 30s,
        files: {/pub/readme.txt: "read me\n", /incoming/: {}}})");
    CHECK(config["users"] == json::parse(R"({"alice": {"password": "secret", "write": true},
        "bob": {"password": "pw", "write": false}, "carol": {"password": "1234", "write": true}})"));
    CHECK(config["anonymous"] == true);
    CHECK(config["passive_ports"] == json::array({50000, 50009}));
    CHECK(config["idle_timeout"] == 30.0);
    CHECK(config["files"] == json::parse(R"({"/pub/readme.txt": "read me\n", "/incoming/": null})"));
    CHECK_FALSE(config.contains("root"));
    // A root is taken beside the topology file.
    CHECK(program_config("{root: files, anonymous: true}")["root"] == "/labs/files");
}

TEST_CASE("An ftp service that nobody can use, or that names things wrongly, is refused", "[topology][ftpd]") {
    CHECK_THAT(refusal("{files: {/a.txt: a}}"), Catch::Contains("lets nobody in"));
    CHECK_THAT(refusal("{anonymous: yes please}"), Catch::Contains("`anonymous` is true or false"));
    CHECK_THAT(refusal("{anonymous: true, passive_port: 50000-50009}"), Catch::Contains("did you mean 'passive_ports'"));
    CHECK_THAT(refusal("{anonymous: true, passive_ports: 80-90}"), Catch::Contains("a range of ports from 1024"));
    CHECK_THAT(refusal("{anonymous: true, passive_ports: 50010-50000}"), Catch::Contains("a range of ports from 1024"));
    CHECK_THAT(refusal("{users: {alice: {pass: x}}}"), Catch::Contains("user alice needs a password"));
    CHECK_THAT(refusal("{users: {alice: {password: x, admin: true}}}"), Catch::Contains("unknown key 'admin' for user alice"));
    CHECK_THAT(refusal("{users: {'al ice': x}}"), Catch::Contains("printable ASCII without spaces"));
    CHECK_THAT(refusal("{anonymous: true, files: {/../etc/passwd: x}}"), Catch::Contains("no empty, . or .. part"));
    CHECK_THAT(refusal("{anonymous: true, files: {/a.txt: [1]}}"), Catch::Contains("a directory's path ends in /"));
    CHECK_THAT(refusal("{anonymous: true, root: files, files: {/a: b}}"), Catch::Contains("both `root` and `files`"));
    CHECK_THAT(refusal("{anonymous: true, root: files}"), Catch::Contains("the topology has no folder"));
    CHECK_THAT(refusal("{anonymous: true, data_timeout: forever}"), Catch::Contains("`data_timeout` is a time"));
    CHECK_THAT(refusal("[alice]"), Catch::Contains("is a map of settings"));
    // The spot is the line of the setting.
    CHECK_THAT(refusal("{anonymous: true, passive_ports: 1-2}"), Catch::Contains("f.yaml:8:"));
}
