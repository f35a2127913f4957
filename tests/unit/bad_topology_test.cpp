// Every file in tests/data/bad_topologies is a topology with mistakes. Its trailing
// comment lines say what `emu validate` must report, one line per problem:
//   # expect: LINE:COLUMN: part of the message
// The test asserts that loading fails, that there are exactly as many diagnostics as
// expectations (every problem is reported, none twice), and that each is at its place.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "emud/topology/loader.hpp"

using namespace emu::topology;

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

}  // namespace

TEST_CASE("every bad topology in the corpus is refused with each of its messages in place", "[topology][validation]") {
    std::filesystem::path corpus = EMU_SOURCE_DIR "/tests/data/bad_topologies";
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
        if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 25);

    for (const auto& file : files) {
        std::ifstream in(file);
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto expected = expectations_of(content);
        // The full path, so that files a topology names (zone files) are found beside it.
        auto result = load_topology(content, LoadOptions{file.string(), {}});
        INFO(file.filename().string());
        REQUIRE_FALSE(expected.empty());
        REQUIRE_FALSE(result);
        const auto& diagnostics = result.error();
        INFO(format_all(diagnostics, file.filename().string()));
        CHECK(diagnostics.size() == expected.size());
        for (const auto& e : expected) {
            INFO("expected " << e.line << ":" << e.column << ": " << e.text);
            bool found = std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
                return d.where.line == e.line && d.where.column == e.column &&
                       (d.message + " hint: " + d.hint).find(e.text) != std::string::npos;
            });
            CHECK(found);
        }
    }
}

TEST_CASE("a diagnostic prints as file:line:column with its hint below", "[topology][validation]") {
    auto result = load_topology("name: t\nnodes:\n  h1: {kind: hots}\n", LoadOptions{"lab.yaml", {}});
    REQUIRE_FALSE(result);
    CHECK(format_all(result.error(), "lab.yaml") ==
          "lab.yaml:3:14: error: unknown kind 'hots' for node 'h1'\n    hint: did you mean 'host'?\n");
}

namespace {

// A directory of its own under the system's temporary one, removed when the test ends.
struct ScratchDirectory {
    std::filesystem::path path = std::filesystem::temp_directory_path() / ("emu-bad-topology-" + std::to_string(::getpid()));
    ScratchDirectory() { std::filesystem::create_directories(path); }
    ~ScratchDirectory() { std::filesystem::remove_all(path); }
};

std::string refusal_of(const std::filesystem::path& path) {
    auto result = load_topology_file(path);
    REQUIRE_FALSE(result);
    REQUIRE(result.error().size() == 1);
    return format(result.error()[0], "f");
}

}  // namespace

TEST_CASE("a topology path that is not a regular file, or too large, is refused before it is read",
          "[topology][validation]") {
    ScratchDirectory scratch;
    // /dev/zero never ends: reading it first would take all the memory there is.
    CHECK(refusal_of("/dev/zero") == "f: error: this is a character device, not a regular file\n"
                                     "    hint: a topology is one YAML file of at most 16 MiB\n");
    CHECK_THAT(refusal_of(scratch.path), Catch::StartsWith("f: error: this is a directory, not a regular file\n"));
    auto fifo = scratch.path / "fifo.yaml";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);  // opening it to read must not wait for a writer
    CHECK_THAT(refusal_of(fifo), Catch::StartsWith("f: error: this is a FIFO (a named pipe), not a regular file\n"));
    CHECK_THAT(refusal_of(scratch.path / "missing.yaml"),
               Catch::StartsWith("f: error: this cannot be read: No such file or directory\n"));
    auto large = scratch.path / "large.yaml";
    { std::ofstream{large}; }
    std::filesystem::resize_file(large, kMaxTopologyBytes + 1);  // sparse: nothing is written
    CHECK_THAT(refusal_of(large), Catch::StartsWith("f: error: this is larger than 16 MiB\n"));
    std::filesystem::resize_file(large, kMaxTopologyBytes);
    CHECK_THAT(refusal_of(large), !Catch::Contains("larger than"));
}
