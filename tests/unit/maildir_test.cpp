// emu-maild's Maildir (nodes/maild/maildir): a message is delivered whole or not at all,
// read back byte for byte, listed oldest first with its unique name, and removed for good;
// what a delivery cut short leaves in tmp/ is cleared when the box is opened again.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "nodes/maild/maildir.hpp"

using emu::mail::Maildir;
using namespace std::string_literals;
namespace fs = std::filesystem;

namespace {

struct ScratchBox {
    ScratchBox() : path(fs::temp_directory_path() / ("emu-maildir-" + std::to_string(::getpid()))) { fs::remove_all(path); }
    ~ScratchBox() { fs::remove_all(path); }
    fs::path path;
};

std::size_t files_in(const fs::path& directory) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(directory), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("A delivered message is in new/ whole, read back byte for byte, and listed in delivery order", "[maild][maildir]") {
    ScratchBox box;
    auto maildir = Maildir::open(box.path, "mx.b.example");
    REQUIRE(maildir);
    CHECK(fs::is_directory(box.path / "tmp"));
    CHECK(fs::is_directory(box.path / "cur"));
    // A MIME message with bare LFs and a NUL byte goes in and comes out as it came.
    auto first = "Subject: notes\r\n\r\n--b\nContent-Type: application/octet-stream\n\n\0\x01\xff\n--b--\r\n"s;
    std::string second = "Subject: lunch\r\n\r\nAt noon?\r\n";
    auto one = maildir->deliver(first);
    auto two = maildir->deliver(second);
    REQUIRE(one);
    REQUIRE(two);
    CHECK(one->ends_with(".mx.b.example"));
    CHECK(files_in(box.path / "tmp") == 0);
    CHECK(files_in(box.path / "new") == 2);

    auto messages = maildir->messages();
    REQUIRE(messages);
    REQUIRE(messages->size() == 2);
    CHECK(messages->at(0).unique == *one);
    CHECK(messages->at(0).size == first.size());
    CHECK(messages->at(1).unique == *two);
    CHECK(maildir->read(messages->at(0)) == first);
    CHECK(maildir->read(messages->at(1)) == second);
}

TEST_CASE("What a cut-short delivery left in tmp/ is cleared, and a removed message stays gone", "[maild][maildir]") {
    ScratchBox box;
    {
        auto maildir = Maildir::open(box.path, "mx");
        REQUIRE(maildir);
        REQUIRE(maildir->deliver("Subject: kept\r\n\r\nyes\r\n"));
        REQUIRE(maildir->deliver("Subject: deleted\r\n\r\nno\r\n"));
    }
    // A server killed in the middle of DATA: half a message in tmp/, never acknowledged.
    std::ofstream(box.path / "tmp" / "1700000000.M000001P99Q1.mx") << "Subject: half";
    // Another reader's flags on a message it has seen, and a file that is no message.
    fs::rename(box.path / "new" / fs::directory_iterator(box.path / "new")->path().filename(),
               box.path / "cur" / "moved:2,S");
    std::ofstream(box.path / "new" / ".hidden") << "x";

    auto maildir = Maildir::open(box.path, "mx");
    REQUIRE(maildir);
    CHECK(files_in(box.path / "tmp") == 0);
    auto messages = maildir->messages();
    REQUIRE(messages);
    REQUIRE(messages->size() == 2);
    auto moved = std::find_if(messages->begin(), messages->end(), [](const Maildir::Message& m) { return m.unique == "moved"; });
    REQUIRE(moved != messages->end());
    auto other = moved == messages->begin() ? messages->at(1) : messages->at(0);
    CHECK_FALSE(maildir->remove(other));
    CHECK_FALSE(fs::exists(other.path));
    auto again = Maildir::open(box.path, "mx");
    REQUIRE(again);
    REQUIRE(again->messages()->size() == 1);
    CHECK(again->messages()->at(0).unique == "moved");
    CHECK(maildir->remove(other) == std::errc::no_such_file_or_directory);
}
