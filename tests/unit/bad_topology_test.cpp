// Every file in tests/data/bad_topologies is a topology with mistakes. Its trailing
// comment lines say what `emu validate` must report, one line per problem:
//   # expect: LINE:COLUMN: part of the message
//   # expect warning: LINE:COLUMN: part of the message
// A file with only warnings must load: a warning is printed, it does not refuse the lab.
// The test asserts that loading fails, that there are exactly as many diagnostics as
// expectations (every problem is reported, none twice), and that each is at its place.
// Beyond the first 50, problems are only counted: "# expect more: N" says how many.
// "# with --name: NAME" loads the file as `emu up --name NAME` does; line 0:0 is no place in the file.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "emud/topology/loader.hpp"
#include "emud/topology/text_encoding.hpp"

using namespace emu::topology;

namespace {

struct Expectation {
    int line;
    int column;
    std::string text;
    Severity severity;
};

// The corpus is checked against these sysctls, whatever the machine's kernel has.
const SysctlSet kCorpusSysctls{{"net/ipv4/ip_forward", "net/ipv4/conf/all/rp_filter", "net/ipv4/conf/default/rp_filter",
                                "net/ipv6/conf/default/disable_ipv6", "net/ipv4/neigh/default/gc_stale_time"},
                               {"net/ipv4/tcp_available_congestion_control"}};

// "# with --name: NAME": the name given on the command line, if any.
std::optional<std::string> name_option(const std::string& content) {
    const std::string marker = "# with --name: ";
    auto at = content.find(marker);
    if (at == std::string::npos) return std::nullopt;
    auto start = at + marker.size();
    return content.substr(start, content.find('\n', start) - start);
}

// "# expect more: N": the problems beyond those shown.
std::size_t expected_more(const std::string& content) {
    const std::string marker = "# expect more: ";
    auto at = content.find(marker);
    return at == std::string::npos ? 0 : std::stoul(content.substr(at + marker.size()));
}

// A file saved as UTF-16 (little-endian, with its byte order mark) has its expectations
// in UTF-16 too; they are ASCII, so every other byte is one.
std::string expectation_text(const std::string& content) {
    if (content.rfind("\xFF\xFE", 0) != 0) return content;
    std::string narrow;
    for (std::size_t i = 2; i < content.size(); i += 2) narrow += content[i];
    return narrow;
}

std::vector<Expectation> expectations_of(const std::string& content) {
    std::vector<Expectation> result;
    std::istringstream lines(expectation_text(content));
    std::string line;
    const std::string error_marker = "# expect: ";
    const std::string warning_marker = "# expect warning: ";
    while (std::getline(lines, line)) {
        Expectation e{};
        std::size_t skip = 0;
        if (line.rfind(error_marker, 0) == 0) {
            e.severity = Severity::error;
            skip = error_marker.size();
        } else if (line.rfind(warning_marker, 0) == 0) {
            e.severity = Severity::warning;
            skip = warning_marker.size();
        } else {
            continue;
        }
        std::istringstream rest(line.substr(skip));
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
        std::ifstream in(file, std::ios::binary);
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto expected = expectations_of(content);
        // The full path, so that files a topology names (zone files) are found beside it.
        auto result = load_topology(content, LoadOptions{file.string(), name_option(content), &kCorpusSysctls});
        INFO(file.filename().string());
        REQUIRE_FALSE(expected.empty());
        bool only_warnings = std::all_of(expected.begin(), expected.end(),
                                         [](const Expectation& e) { return e.severity == Severity::warning; });
        REQUIRE(bool(result) == only_warnings);
        const auto& found_all = result ? result->warnings : result.error();
        const auto diagnostics = found_all.sorted();
        INFO(format_all(found_all, file.filename().string()));
        CHECK(diagnostics.size() == expected.size());
        CHECK(found_all.not_shown() == expected_more(content));
        for (const auto& e : expected) {
            INFO("expected " << e.line << ":" << e.column << ": " << e.text);
            bool found = std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
                return d.where.line == e.line && d.where.column == e.column && d.severity == e.severity &&
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
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("emu-bad-topology-" + std::to_string(::getpid()));
    ScratchDirectory() { std::filesystem::create_directories(path); }
    ~ScratchDirectory() { std::filesystem::remove_all(path); }
};

std::string refusal_of(const std::filesystem::path& path) {
    auto result = load_topology_file(path);
    REQUIRE_FALSE(result);
    REQUIRE(result.error().error_count() == 1);
    return format(result.error().sorted().at(0), "f");
}

}  // namespace

TEST_CASE("a topology path that is not a regular file, or too large, is refused before it is read",
          "[topology][validation]") {
    ScratchDirectory scratch;
    // /dev/zero never ends: reading it first would take all the memory there is.
    CHECK(refusal_of("/dev/zero") ==
          "f: error: this is a character device, not a regular file\n"
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

TEST_CASE("text that is not UTF-8 is named for what it is, at its first bad byte", "[topology][validation]") {
    using namespace std::string_literals;
    auto problem = [](const std::string& text) {
        auto found = check_text_encoding(text, "topology");
        return found ? std::to_string(found->where.line) + ":" + std::to_string(found->where.column) + " " +
                           found->message
                     : std::string("fine");
    };
    CHECK(problem("name: caf\xC3\xA9\n# \xF0\x9F\x98\x80 \xE2\x82\xAC\n") == "fine");
    CHECK(problem("\xEF\xBB\xBFname: x\n") == "fine");  // a UTF-8 byte order mark is UTF-8
    CHECK(problem("") == "fine");
    // RFC 3629 §4: overlong forms, surrogates and code points above U+10FFFF are not UTF-8.
    CHECK_THAT(problem("a: \xC0\xAF\n"), Catch::StartsWith("1:4 the file is not UTF-8: byte 0xC0"));
    CHECK_THAT(problem("a: \xE0\x80\xAF\n"), Catch::StartsWith("1:4 the file is not UTF-8: byte 0xE0"));
    CHECK_THAT(problem("a\nb: \xED\xA0\x80\n"), Catch::StartsWith("2:4 the file is not UTF-8: byte 0xED"));
    CHECK_THAT(problem("a: \xF4\x90\x80\x80\n"), Catch::StartsWith("1:4 the file is not UTF-8: byte 0xF4"));
    CHECK_THAT(problem("a: \xE2\x82"), Catch::StartsWith("1:4 the file is not UTF-8: byte 0xE2"));  // cut short
    CHECK_THAT(problem("a: \x80\n"), Catch::StartsWith("1:4 the file is not UTF-8: byte 0x80"));
    CHECK(problem("a: b\0"s) == "1:5 the file holds a NUL byte here, and so is not text");
    // YAML 1.2 §5.2: a file starts with an ASCII character, so its first bytes show a wide encoding.
    CHECK_THAT(problem("\0n\0a"s), Catch::StartsWith("1:1 the file is UTF-16 (big-endian) text"));
    CHECK_THAT(problem("n\0a\0"s), Catch::StartsWith("1:1 the file is UTF-16 (little-endian) text"));
    CHECK_THAT(problem("\0\0\0n"s), Catch::StartsWith("1:1 the file is UTF-32 (big-endian) text"));
    CHECK_THAT(problem("n\0\0\0"s), Catch::StartsWith("1:1 the file is UTF-32 (little-endian) text"));
    CHECK_THAT(problem("\xFF\xFE\0\0n\0\0\0"s), Catch::StartsWith("1:1 the file is UTF-32 (little-endian) text"));
    CHECK_THAT(problem("\xFE\xFF\0n"s), Catch::StartsWith("1:1 the file is UTF-16 (big-endian) text"));
}

TEST_CASE("of many problems the first 50 in the file are kept, whatever order they were found in",
          "[topology][validation]") {
    Diagnostics diagnostics;
    for (int line = 200; line >= 1; --line) diagnostics.error({line, 1}, "problem " + std::to_string(line));
    diagnostics.error({7, 1}, "a second problem on line 7");
    auto shown = diagnostics.sorted();
    REQUIRE(shown.size() == kMaxShownDiagnostics);
    CHECK(shown.front().message == "problem 1");
    CHECK(shown[6].message == "problem 7");
    CHECK(shown[7].message == "a second problem on line 7");
    CHECK(shown.back().message == "problem 49");
    CHECK(diagnostics.error_count() == 201);
    CHECK(diagnostics.not_shown() == 151);
    CHECK_THAT(format_all(diagnostics, "f"), Catch::EndsWith("f:49:1: error: problem 49\nf: and 151 more\n"));
    CHECK(count_text(diagnostics) == "201 problems");
}

TEST_CASE("a warning prints as such and is counted apart from the problems", "[topology][validation]") {
    Diagnostics diagnostics;
    diagnostics.warning({4, 7}, "something odd", "a hint");
    CHECK_FALSE(diagnostics.has_errors());
    CHECK(format_all(diagnostics, "f") == "f:4:7: warning: something odd\n    hint: a hint\n");
    CHECK(count_text(diagnostics) == "1 warning");
    diagnostics.error({2, 1}, "something wrong");
    CHECK(diagnostics.has_errors());
    CHECK(count_text(diagnostics) == "1 problem and 1 warning");
    CHECK(format_all(diagnostics, "f") ==
          "f:2:1: error: something wrong\nf:4:7: warning: something odd\n    hint: a hint\n");
}

TEST_CASE("the running kernel's sysctls are what /proc/sys shows", "[topology][validation]") {
    const auto& kernel = running_kernel_sysctls();
    using Entry = SysctlCatalog::Entry;
    if (kernel.find("net/ipv4/ip_forward") == Entry::unknown) {
        // No /proc/sys/net here: then nothing is refused for want of it.
        CHECK(kernel.find("net/ipv4/no_such_setting") == Entry::unknown);
        return;
    }
    CHECK(kernel.find("net/ipv4/ip_forward") == Entry::writable);
    CHECK(kernel.find("net/ipv4/conf/default/rp_filter") == Entry::writable);
    CHECK(kernel.find("net/ipv4/tcp_available_congestion_control") == Entry::read_only);
    CHECK(kernel.find("net/ipv4/no_such_setting") == Entry::missing);
    CHECK(kernel.find("net/ipv4") == Entry::missing);  // a directory is no sysctl
}
