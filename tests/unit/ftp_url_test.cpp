// emu-host's ftp:// URLs (nodes/host/ftp_url): user, password, host, port and path, each
// percent-decoded, and nothing that would end an FTP command line.
#include <catch2/catch.hpp>

#include "nodes/host/ftp_url.hpp"

using emu::host::parse_ftp_url;

TEST_CASE("An ftp URL gives the login, the server and the path, anonymous when it names no user", "[host][ftp]") {
    auto anonymous = parse_ftp_url("ftp://files.lab.example/pub/readme.txt").value();
    CHECK(anonymous.user == "anonymous");
    CHECK(anonymous.password == "emu-host@");
    CHECK(anonymous.host == "files.lab.example");
    CHECK(anonymous.port == 21);
    CHECK(anonymous.path == "/pub/readme.txt");
    CHECK_FALSE(anonymous.names_directory());
    auto alice = parse_ftp_url("ftp://alice:p%40ss%3Aword@10.0.9.1:2121/in%20coming/").value();
    CHECK(alice.user == "alice");
    CHECK(alice.password == "p@ss:word");
    CHECK(alice.host == "10.0.9.1");
    CHECK(alice.port == 2121);
    CHECK(alice.path == "/in coming/");
    CHECK(alice.names_directory());
    CHECK(parse_ftp_url("ftp://10.0.9.1").value().path == "/");
    CHECK(parse_ftp_url("ftp://bob@10.0.9.1/").value().password.empty());
}

TEST_CASE("A bad ftp URL says what is wrong with it", "[host][ftp]") {
    CHECK(parse_ftp_url("http://10.0.9.1/").error() == "not an ftp:// URL");
    CHECK(parse_ftp_url("ftp:///x").error() == "no host");
    CHECK(parse_ftp_url("ftp://h:0/").error() == "the port is not a number from 1 to 65535");
    CHECK(parse_ftp_url("ftp://h:99999/").error() == "the port is not a number from 1 to 65535");
    CHECK(parse_ftp_url("ftp://h:/").error() == "the port is not a number from 1 to 65535");
    // A line end would let a URL smuggle a second command.
    CHECK(parse_ftp_url("ftp://h/a%0D%0ADELE%20b").error() == "the path is badly written");
    CHECK(parse_ftp_url("ftp://h/a%2").error() == "the path is badly written");
    CHECK(parse_ftp_url("ftp://h/a%zz").error() == "the path is badly written");
    CHECK(parse_ftp_url("ftp://:pw@h/").error() == "the user or password is badly written");
}
