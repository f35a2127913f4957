// emu-httpd's engine on a real directory: which file a target names (percent-decoding,
// `..`, links out of the root), the media types and dates, and what it answers to GET,
// HEAD, other methods, If-Modified-Since, a directory without its slash, and keep-alive.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <tuple>

#include "lib/wire/http_date.hpp"
#include "nodes/httpd/next_request.hpp"
#include "nodes/httpd/responder.hpp"
#include "nodes/httpd/site.hpp"

using namespace emu;
using namespace emu::http;
namespace fs = std::filesystem;

namespace {

// A small site in a directory of its own, gone with the test.
struct Site {
    fs::path root = fs::temp_directory_path() / ("emu-site-" + std::to_string(::getpid()));
    fs::path outside = fs::temp_directory_path() / ("emu-outside-" + std::to_string(::getpid()));
    Site() {
        fs::remove_all(root);
        fs::create_directories(root / "docs");
        std::ofstream(root / "index.html") << "<p>home</p>\n";
        std::ofstream(root / "docs" / "index.html") << "<p>docs</p>\n";
        std::ofstream(root / "a b.txt") << "spaced\n";
        std::ofstream(outside) << "secret\n";
        fs::create_symlink(outside, root / "leak.txt");
        fs::create_symlink(root / "a b.txt", root / "inside.txt");
        fs::create_symlink("../" + outside.filename().string(), root / "up.txt");
        fs::create_symlink("docs/../a b.txt", root / "relative.txt");
        fs::create_directories(root / "empty");
        ::mkfifo((root / "pipe").c_str(), 0600);
    }
    ~Site() {
        fs::remove_all(root);
        fs::remove(outside);
    }
};

wire::HttpRequestHead request(const char* method, const char* target, int minor = 1) {
    wire::HttpRequestHead head;
    head.method = method;
    head.target = target;
    head.version = {1, minor};
    head.fields.add("Host", "www.example.com");
    return head;
}

}  // namespace

TEST_CASE("Targets lead to files under the root only", "[http][site]") {
    Site site;
    auto root = fs::canonical(site.root);
    SiteRoot site_root(site.root);
    auto kind = [&](const char* target) { return resolve_target(site_root, target).kind; };
    CHECK(kind("/") == Resolved::Kind::file);
    CHECK(resolve_target(site_root, "/").path == root / "index.html");
    CHECK(resolve_target(site_root, "/index.html?x=1#top").path == root / "index.html");
    CHECK(resolve_target(site_root, "/a%20b.txt").path == root / "a b.txt");
    CHECK(resolve_target(site_root, "http://www.example.com/docs/").path == root / "docs" / "index.html");
    CHECK(kind("/docs") == Resolved::Kind::redirect);
    CHECK(resolve_target(site_root, "/docs").location == "/docs/");
    CHECK(kind("/nope.html") == Resolved::Kind::not_found);
    // RFC 3986 §5.2.4: dot segments are removed; one that would climb above the root is refused.
    CHECK(resolve_target(site_root, "/a/../index.html").path == root / "index.html");
    CHECK(resolve_target(site_root, "/docs/../a%20b.txt").path == root / "a b.txt");
    CHECK(resolve_target(site_root, "/docs/%2e%2e/index.html").path == root / "index.html");
    CHECK(resolve_target(site_root, "/./docs/./index.html").path == root / "docs" / "index.html");
    CHECK(resolve_target(site_root, "/docs/nope/..").path == root / "docs" / "index.html");
    CHECK(resolve_target(site_root, "/docs/.").path == root / "docs" / "index.html");  // `/.` asks for the directory
    CHECK(resolve_target(site_root, "/docs/..").path == root / "index.html");
    CHECK(kind("/..") == Resolved::Kind::forbidden);
    CHECK(kind("/../etc/passwd") == Resolved::Kind::forbidden);
    CHECK(kind("/a/../../x") == Resolved::Kind::forbidden);
    CHECK(kind("/docs/../../etc/passwd") == Resolved::Kind::forbidden);
    CHECK(kind("/%2e%2e/etc/passwd") == Resolved::Kind::forbidden);
    CHECK(kind("/docs/%2e%2e/%2e%2e/etc/passwd") == Resolved::Kind::forbidden);
    CHECK(kind("/docs%2f..%2f..%2fetc/passwd") == Resolved::Kind::forbidden);
    CHECK(kind("/leak.txt") == Resolved::Kind::forbidden);  // a link out of the root
    CHECK(kind("/inside.txt") == Resolved::Kind::file);     // a link within it
    CHECK(kind("/up.txt") == Resolved::Kind::forbidden);     // a relative link that climbs out
    CHECK(kind("/relative.txt") == Resolved::Kind::file);    // one that climbs, but stays inside
    CHECK(kind("/pipe") == Resolved::Kind::forbidden);       // not a file: refused, and no hang
    CHECK(kind("/empty/") == Resolved::Kind::not_found);     // a directory without index.html
    auto found = resolve_target(site_root, "/docs/");
    REQUIRE(found.file);
    CHECK(found.size == 12);
    CHECK(found.path == root / "docs" / "index.html");
    CHECK(kind("/a%2") == Resolved::Kind::bad);
    CHECK(kind("/a%00b") == Resolved::Kind::bad);
    CHECK(kind("index.html") == Resolved::Kind::bad);
}

TEST_CASE("The open-file cache serves a file again only while its path still leads to it", "[http][site]") {
    Site site;
    SiteRoot root(site.root);
    OpenFileCache cache;
    auto first = resolve_target(root, "/a%20b.txt", &cache);
    REQUIRE(first.kind == Resolved::Kind::file);
    auto again = resolve_target(root, "/a%20b.txt", &cache);
    CHECK(again.file == first.file);  // the same open file: no open, no close
    CHECK(again.size == 7);
    auto index = resolve_target(root, "/docs/", &cache);
    CHECK(resolve_target(root, "/docs/", &cache).file == index.file);

    std::ofstream(site.root / "a b.txt", std::ios::app) << "more\n";  // changed in place
    auto grown = resolve_target(root, "/a%20b.txt", &cache);
    CHECK(grown.file == first.file);
    CHECK(grown.size == 12);

    std::ofstream(site.root / "new.txt") << "replacement\n";  // replaced by a rename
    fs::rename(site.root / "new.txt", site.root / "a b.txt");
    auto replaced = resolve_target(root, "/a%20b.txt", &cache);
    REQUIRE(replaced.kind == Resolved::Kind::file);
    CHECK(replaced.file != first.file);
    CHECK(replaced.size == 12);

    fs::remove(site.root / "a b.txt");  // gone
    CHECK(resolve_target(root, "/a%20b.txt", &cache).kind == Resolved::Kind::not_found);
    fs::create_symlink(site.outside, site.root / "a b.txt");  // and a link out in its place
    CHECK(resolve_target(root, "/a%20b.txt", &cache).kind == Resolved::Kind::forbidden);
}

TEST_CASE("Media types by extension", "[http][site]") {
    CHECK(content_type_for("a/index.HTML") == "text/html; charset=utf-8");
    CHECK(content_type_for("x.png") == "image/png");
    CHECK(content_type_for("x.unknown") == "application/octet-stream");
}

TEST_CASE("GET and HEAD of a file, 304 when not modified, errors with their status", "[http][site]") {
    Site site;
    Responder responder(site.root);
    auto now = std::chrono::system_clock::now();
    auto get = responder.respond(request("GET", "/"), now);
    CHECK(get.head.status == 200);
    CHECK(get.head.fields.find("Content-Type")->value == "text/html; charset=utf-8");
    CHECK(get.head.fields.find("Content-Length")->value == "12");
    REQUIRE(get.file);
    CHECK(get.file_size == 12);
    CHECK_FALSE(get.close);
    auto head = responder.respond(request("HEAD", "/"), now);
    CHECK(head.head.status == 200);
    CHECK(head.head.fields.find("Content-Length")->value == "12");
    CHECK_FALSE(head.file);
    // No ranges (RFC 9110 §14.3): a Range gets the whole file, and every answer says so.
    auto ranged = request("GET", "/");
    ranged.fields.add("Range", "bytes=0-3");
    auto whole = responder.respond(ranged, now);
    CHECK(whole.head.status == 200);
    CHECK(whole.file_size == 12);
    for (const auto* plan : {&get, &head, &whole}) {
        REQUIRE(plan->head.fields.find("Accept-Ranges"));
        CHECK(plan->head.fields.find("Accept-Ranges")->value == "none");
    }

    auto modified = get.head.fields.find("Last-Modified")->value;
    auto conditional = request("GET", "/");
    conditional.fields.add("If-Modified-Since", modified);
    auto not_modified = responder.respond(conditional, now);
    CHECK(not_modified.head.status == 304);
    CHECK_FALSE(not_modified.file);
    CHECK(not_modified.body.empty());
    auto older = request("GET", "/");
    older.fields.add("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(responder.respond(older, now).head.status == 200);
    // RFC 9110 §5.6.7: the obsolete formats are dates too.
    auto since = [&](const std::string& date) {
        auto conditional_get = request("GET", "/");
        conditional_get.fields.add("If-Modified-Since", date);
        return responder.respond(conditional_get, now).head.status;
    };
    auto file_time = std::chrono::system_clock::to_time_t(*wire::parse_http_date(modified, now));
    std::tm utc{};
    gmtime_r(&file_time, &utc);
    char asctime[32], rfc850[48];
    std::strftime(asctime, sizeof asctime, "%a %b %e %H:%M:%S %Y", &utc);
    std::strftime(rfc850, sizeof rfc850, "%A, %d-%b-%y %H:%M:%S GMT", &utc);
    CHECK(since(asctime) == 304);
    CHECK(since(rfc850) == 304);
    CHECK(since("Sun Nov  6 08:49:37 1994") == 200);
    CHECK(since("Sunday, 06-Nov-94 08:49:37 GMT") == 200);
    // A date later than the server's clock is no date (RFC 9110 §13.1.3), nor are two.
    CHECK(since(wire::http_date(now + std::chrono::hours(1))) == 200);
    auto twice = request("GET", "/");
    twice.fields.add("If-Modified-Since", modified);
    twice.fields.add("If-Modified-Since", modified);
    CHECK(responder.respond(twice, now).head.status == 200);

    auto post = responder.respond(request("POST", "/"), now);
    CHECK(post.head.status == 405);
    CHECK(post.head.fields.find("Allow")->value == "GET, HEAD");
    CHECK(responder.respond(request("GET", "/nope"), now).head.status == 404);
    CHECK(responder.respond(request("GET", "/../x"), now).head.status == 403);
    CHECK(responder.respond(request("GET", "/docs/../index.html"), now).head.status == 200);
    auto redirect = responder.respond(request("GET", "/docs"), now);
    CHECK(redirect.head.status == 301);
    CHECK(redirect.head.fields.find("Location")->value == "/docs/");
    auto bad = responder.error(431, "too many fields", now);
    CHECK(bad.head.status == 431);
    CHECK(bad.close);
    CHECK(bad.head.fields.find("Connection")->value == "close");
    CHECK(bad.body.find("431 Request Header Fields Too Large") != std::string::npos);
    CHECK_THROWS(Responder("/nonexistent/site"));
}

TEST_CASE("Keep-alive as the version and the Connection field say", "[http][site]") {
    CHECK(keeps_alive(request("GET", "/")));
    auto close = request("GET", "/");
    close.fields.add("Connection", "Close");
    CHECK_FALSE(keeps_alive(close));
    CHECK_FALSE(keeps_alive(request("GET", "/", 0)));
    auto old_keep = request("GET", "/", 0);
    old_keep.fields.add("Connection", "keep-alive");
    CHECK(keeps_alive(old_keep));
    Site site;
    Responder responder(site.root);
    auto answer = responder.respond(old_keep, std::chrono::system_clock::now());
    CHECK(answer.head.fields.find("Connection")->value == "keep-alive");
}

TEST_CASE("The next request in a connection's bytes: whole or not, where it ends, and why it is refused",
          "[http][site]") {
    auto next = [](const std::string& text) {
        return next_request(wire::Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), 1 << 20);
    };
    using State = NextRequest::State;
    std::string get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    auto whole = next(get + "GET /b HTTP/1.1\r\n");  // a pipelined second one begun
    CHECK(whole.state == State::complete);
    CHECK(whole.size == get.size());
    CHECK(whole.head.target == "/");
    CHECK(next("GET / HTTP/1.1\r\nHost:").state == State::incomplete);

    std::string post = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n";
    CHECK(next(post + "abc").state == State::incomplete);
    CHECK(next(post + "abcde").size == post.size() + 5);
    std::string chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    CHECK(next(chunked + "3\r\nabc\r\n").state == State::incomplete);
    CHECK(next(chunked + "3\r\nabc\r\n0\r\n\r\n").size == chunked.size() + 13);

    // Refused: the body too large (from its length alone, before it comes), a chunked body
    // that is not, a head that is not HTTP.
    auto large = next("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n");
    CHECK(large.state == State::refused);
    CHECK(large.status == 413);
    CHECK(large.has_head);
    CHECK(large.error == "the request body is larger than 1 MiB");
    auto bad_chunk = next(chunked + "zz\r\n");
    CHECK(bad_chunk.state == State::refused);
    CHECK(bad_chunk.status == 400);
    auto not_http = next("GET / HTTP/9.9\r\n\r\n");
    CHECK(not_http.state == State::refused);
    CHECK(not_http.status == 505);
    CHECK_FALSE(not_http.has_head);
}

TEST_CASE("Expect: 100-continue is answered from the head: 100 Continue when the content is to be read, else the final answer at once",
          "[http][site]") {
    auto next = [](const std::string& text) {
        return next_request(wire::Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), 1 << 20);
    };
    std::string expecting = "PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";
    auto waiting = next(expecting);
    CHECK(waiting.state == NextRequest::State::incomplete);
    CHECK(waiting.has_head);
    CHECK(waiting.awaits_continue);
    CHECK(waiting.head.target == "/up");
    CHECK(next("PUT /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-Continue\r\n\r\n").awaits_continue);
    CHECK_FALSE(next(expecting + "he").awaits_continue);  // it sends the content without waiting
    CHECK(next(expecting + "hello").state == NextRequest::State::complete);
    CHECK_FALSE(next("PUT /up HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n").awaits_continue);  // §10.1.1: ignored
    CHECK_FALSE(next("PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n").awaits_continue);
    CHECK_FALSE(next("PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continu").awaits_continue);
    auto too_large = next("PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n");
    CHECK(too_large.state == NextRequest::State::refused);  // 413 at once, from the head alone
    CHECK(too_large.status == 413);

    Site site;
    Responder responder(site.root);
    auto now = std::chrono::system_clock::now();
    auto with_content = [](const char* method, const char* target) {
        auto head = request(method, target);
        head.fields.add("Content-Length", "5");
        head.fields.add("Expect", "100-continue");
        return head;
    };
    CHECK_FALSE(responder.answer_before_content(with_content("GET", "/"), now));  // read it, then the page
    for (auto [method, target, status] : {std::tuple{"PUT", "/up", 405}, {"POST", "/", 405}, {"GET", "/nope", 404},
                                          {"GET", "/docs", 301}, {"GET", "/../x", 403}}) {
        INFO(method << " " << target);
        auto answer = responder.answer_before_content(with_content(method, target), now);
        REQUIRE(answer);
        CHECK(answer->head.status == status);
        CHECK(answer->close);  // the content is not read: the connection cannot go on
        CHECK(answer->head.fields.find("Connection")->value == "close");
    }
}
