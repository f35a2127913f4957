// Every file in tests/data/bad_scenarios is a scenario with mistakes. Its trailing comment
// lines say what `emu run` must report before it runs anything, one line per problem:
//   # expect: LINE:COLUMN: part of the message (or of " hint: " and the hint)
// The file is loaded as `emu run` loads it and, when it loads and names a topology
// (tests/data/bad_scenarios/topology), checked against that lab's names. The test asserts
// that it is refused, with exactly as many diagnostics as expectations, each in its place.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "emud/scenario/lab_check.hpp"
#include "emud/scenario/scenario.hpp"
#include "emud/topology/loader.hpp"
#include "lib/util/files.hpp"

using namespace emu;

namespace {

struct Expectation {
    int line;
    int column;
    std::string text;
};

std::vector<Expectation> expectations_of(const std::string& content) {
    std::vector<Expectation> result;
    std::istringstream lines(content);
    std::string line;
    const std::string marker = "# expect: ";
    while (std::getline(lines, line)) {
        if (line.rfind(marker, 0) != 0) continue;
        Expectation e{};
        std::istringstream rest(line.substr(marker.size()));
        char colon = 0;
        rest >> e.line >> colon >> e.column >> colon;
        std::getline(rest, e.text);
        e.text.erase(0, e.text.find_first_not_of(' '));
        result.push_back(e);
    }
    return result;
}

// What `emu run` reports of the file before it brings a lab up.
std::vector<topology::Diagnostic> problems_of(const std::string& content, const std::filesystem::path& file) {
    auto loaded = scenario::load_scenario(content, file.string());
    if (!loaded) return loaded.error().sorted();
    if (!loaded->topology) return {};
    auto text = util::read_file(*loaded->topology);
    REQUIRE(text);
    auto lab = topology::load_topology(*text, {loaded->topology->string(), {}});
    INFO((lab ? std::string() : topology::format_all(lab.error(), loaded->topology->string())));
    REQUIRE(lab);
    return scenario::check_against_lab(*loaded, scenario::lab_names(*lab));
}

}  // namespace

TEST_CASE("every bad scenario in the corpus is refused at load with each of its messages in place",
          "[scenario][validation]") {
    std::filesystem::path corpus = EMU_SOURCE_DIR "/tests/data/bad_scenarios";
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
        if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 14);

    for (const auto& file : files) {
        std::ifstream in(file);
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto expected = expectations_of(content);
        INFO(file.filename().string());
        REQUIRE_FALSE(expected.empty());
        auto diagnostics = problems_of(content, file);
        std::string shown;
        for (const auto& diagnostic : diagnostics) shown += topology::format(diagnostic, file.filename().string());
        INFO(shown);
        CHECK(diagnostics.size() == expected.size());
        for (const auto& e : expected) {
            INFO("expected " << e.line << ":" << e.column << ": " << e.text);
            bool found = std::any_of(diagnostics.begin(), diagnostics.end(), [&](const topology::Diagnostic& d) {
                return d.where.line == e.line && d.where.column == e.column &&
                       (d.message + " hint: " + d.hint).find(e.text) != std::string::npos;
            });
            CHECK(found);
        }
    }
}

TEST_CASE("a scenario checked against a lab that is up is checked against what emud says it has",
          "[scenario][validation]") {
    // The same names, however they were found: a lab with a thousand nodes gets a short hint.
    scenario::LabNames lab{"big", {}, {"lan1"}, {"h0-r"}, {"h0:eth0", "r:eth0"}};
    for (int i = 0; i < 1000; ++i) lab.nodes.push_back("node" + std::to_string(i * 7));
    auto loaded = scenario::load_scenario("name: s\nsteps:\n  - exec: 'true'\n    node: zzzzzz\n", "s.yaml");
    REQUIRE(loaded);
    auto problems = scenario::check_against_lab(*loaded, lab);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message == "lab big has no node 'zzzzzz'");
    CHECK(problems[0].hint.find("node0, node7, node14") != std::string::npos);
    CHECK(problems[0].hint.find("and 988 more") != std::string::npos);
    // Every name the lab has passes.
    auto fine = scenario::load_scenario("name: s\nsteps:\n  - exec: 'true'\n    node: node7\n  - link: h0:eth0\n"
                                        "    state: down\nexpect_trace:\n  - {segment: lan1, link: h0-r, to: node14,"
                                        " from: '02:00:00:00:00:01'}\n",
                                        "s.yaml");
    REQUIRE(fine);
    CHECK(scenario::check_against_lab(*fine, lab).empty());
}
