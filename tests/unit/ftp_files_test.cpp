// emu-ftpd's FileRoot (nodes/ftpd/file_root): client paths resolved without climbing above
// the root, the kernel refusing every symlink that leads out of it, and uploads that never
// leave a partial file under their name. On a scratch directory; no root needed.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "nodes/ftpd/file_root.hpp"

using emu::ftp::FileRoot;
namespace fs = std::filesystem;

namespace {

// A scratch directory with a root inside it and a secret beside the root.
struct Scratch {
    Scratch() {
        base = fs::temp_directory_path() / ("emu-ftp-files-" + std::to_string(::getpid()));
        fs::remove_all(base);
        fs::create_directories(base / "root" / "docs");
        std::ofstream(base / "secret.txt") << "outside\n";
        std::ofstream(base / "root" / "docs" / "notes.txt") << "0123456789";
    }
    ~Scratch() { fs::remove_all(base); }
    fs::path root() const { return base / "root"; }
    fs::path base;
};

std::string read_all(int fd) {
    std::string text;
    char buffer[256];
    ::lseek(fd, 0, SEEK_SET);
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    return text;
}

}  // namespace

TEST_CASE("FTP paths resolve from the current directory and never climb above the root", "[ftpd][files]") {
    CHECK(FileRoot::resolve("/", "notes.txt") == "/notes.txt");
    CHECK(FileRoot::resolve("/docs", "notes.txt") == "/docs/notes.txt");
    CHECK(FileRoot::resolve("/docs", "/other//./x") == "/other/x");
    CHECK(FileRoot::resolve("/docs", "..") == "/");
    CHECK(FileRoot::resolve("/docs/a", "../b/./c/..") == "/docs/b");
    CHECK(FileRoot::resolve("/", "") == "/");
    // Traversal attempts: refused, for the server to log.
    CHECK_FALSE(FileRoot::resolve("/", ".."));
    CHECK_FALSE(FileRoot::resolve("/docs", "../../etc/passwd"));
    CHECK_FALSE(FileRoot::resolve("/", "/../secret.txt"));
    CHECK_FALSE(FileRoot::resolve("/", std::string("a\0b", 3)));
}

TEST_CASE("The kernel keeps every lookup under the root: symlinks that lead out are refused", "[ftpd][files]") {
    Scratch scratch;
    auto root = FileRoot::open(scratch.root());
    REQUIRE(root);
    auto notes = root->open_at("/docs/notes.txt", O_RDONLY);
    REQUIRE(notes);
    CHECK(read_all(notes->get()) == "0123456789");

    // A link inside the root is followed; one to an absolute path, or up and out, is not,
    // whether it is the last part of the path or a directory on the way.
    fs::create_symlink("docs/notes.txt", scratch.root() / "inside");
    fs::create_symlink(scratch.base / "secret.txt", scratch.root() / "absolute");
    fs::create_symlink("../secret.txt", scratch.root() / "relative");
    fs::create_symlink("../..", scratch.root() / "docs" / "up");
    CHECK(root->open_at("/inside", O_RDONLY));
    for (const char* path : {"/absolute", "/relative", "/docs/up/secret.txt"}) {
        INFO(path);
        auto escaped = root->open_at(path, O_RDONLY);
        REQUIRE_FALSE(escaped);
        CHECK(escaped.error() == std::errc::cross_device_link);
        CHECK_FALSE(root->status(path));
    }
    // Creating through a link is refused too, and a listing shows links as links.
    CHECK_FALSE(root->open_at("/absolute", O_WRONLY | O_CREAT | O_TRUNC));
    auto entries = root->list("/");
    REQUIRE(entries);
    REQUIRE(entries->size() == 4);
    CHECK(entries->at(0).name == "absolute");
    CHECK(S_ISLNK(entries->at(0).status.st_mode));
    CHECK(entries->at(1).name == "docs");
    CHECK(S_ISDIR(entries->at(1).status.st_mode));
}

TEST_CASE("Directories are made, renamed and removed under the root only", "[ftpd][files]") {
    Scratch scratch;
    auto root = FileRoot::open(scratch.root());
    REQUIRE(root);
    CHECK_FALSE(root->make_directory("/uploads"));
    CHECK(fs::is_directory(scratch.root() / "uploads"));
    CHECK(root->make_directory("/uploads") == std::errc::file_exists);
    CHECK_FALSE(root->rename("/docs/notes.txt", "/uploads/moved.txt"));
    CHECK(fs::exists(scratch.root() / "uploads" / "moved.txt"));
    CHECK(root->remove_directory("/uploads") == std::errc::directory_not_empty);
    CHECK_FALSE(root->remove_file("/uploads/moved.txt"));
    CHECK_FALSE(root->remove_directory("/uploads"));
    CHECK(root->remove_file("/") == std::errc::invalid_argument);
    fs::create_symlink(scratch.base, scratch.root() / "out");
    CHECK(root->make_directory("/out/made") == std::errc::cross_device_link);
    CHECK_FALSE(fs::exists(scratch.base / "made"));
}

TEST_CASE("An upload is under its name only once it is whole and on disk", "[ftpd][files]") {
    Scratch scratch;
    auto root = FileRoot::open(scratch.root());
    REQUIRE(root);
    auto upload = root->begin_upload("/docs/new.bin");
    REQUIRE(upload);
    REQUIRE(::write(upload->fd(), "partial", 7) == 7);
    CHECK_FALSE(fs::exists(scratch.root() / "docs" / "new.bin"));  // nothing under the name yet
    CHECK_FALSE(upload->commit());
    CHECK(fs::file_size(scratch.root() / "docs" / "new.bin") == 7);
    for (const auto& entry : fs::directory_iterator(scratch.root() / "docs")) {
        CHECK(entry.path().filename().string().rfind(".emu-upload-", 0) != 0);  // no hidden leftovers
    }

    // REST 4 then STOR: the first 4 bytes kept, the rest replaced; APPE keeps them all.
    auto resumed = root->begin_upload("/docs/notes.txt", 4);
    REQUIRE(resumed);
    REQUIRE(::write(resumed->fd(), "abc", 3) == 3);
    CHECK_FALSE(resumed->commit());
    auto notes = root->open_at("/docs/notes.txt", O_RDONLY);
    REQUIRE(notes);
    CHECK(read_all(notes->get()) == "0123abc");
    auto appended = root->begin_upload("/docs/notes.txt", 7);
    REQUIRE(appended);
    REQUIRE(::write(appended->fd(), "!", 1) == 1);
    CHECK_FALSE(appended->commit());
    notes = root->open_at("/docs/notes.txt", O_RDONLY);
    REQUIRE(notes);
    CHECK(read_all(notes->get()) == "0123abc!");

    // An upload given up before commit leaves the old file as it was.
    {
        auto abandoned = root->begin_upload("/docs/notes.txt");
        REQUIRE(abandoned);
        REQUIRE(::write(abandoned->fd(), "x", 1) == 1);
    }
    notes = root->open_at("/docs/notes.txt", O_RDONLY);
    REQUIRE(notes);
    CHECK(read_all(notes->get()) == "0123abc!");
    // Not through a symlink out of the root.
    fs::create_symlink(scratch.base, scratch.root() / "out");
    CHECK_FALSE(root->begin_upload("/out/secret.txt"));
}
