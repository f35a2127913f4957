// The HTTP/1.1 codec (lib/wire/http) against curl's requests and nginx's responses (golden
// frames made by tests/data/frames/capture-http), every truncation of a head seen as
// incomplete, what RFC 9112 tells a server to refuse, refused with the right status, and
// HTTP-dates in the three formats RFC 9110 §5.6.7 has.
#include <catch2/catch.hpp>

#include "lib/wire/frame.hpp"
#include "lib/wire/http.hpp"
#include "lib/wire/http_date.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu::wire;
using emu::test::golden_frame;

namespace {

std::vector<std::uint8_t> golden_payload(const std::string& name) {
    auto frame = golden_frame(name);
    auto decoded = decode_frame(frame);
    REQUIRE(decoded);
    REQUIRE(decoded->tcp);
    return {decoded->tcp->payload.begin(), decoded->tcp->payload.end()};
}

Bytes bytes_of(const std::string& text) { return Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()); }

using RequestState = HttpHeadResult<HttpRequestHead>::State;
using ResponseState = HttpHeadResult<HttpResponseHead>::State;

// The status a server answers a request head with ("ok" when it is complete and fine).
std::string verdict(const std::string& text, const HttpLimits& limits = {}) {
    auto result = read_request_head(bytes_of(text), limits);
    if (result.state == RequestState::incomplete) return "incomplete";
    if (result.state == RequestState::error) return std::to_string(result.status) + " " + result.error;
    return "ok";
}

}  // namespace

TEST_CASE("curl's GET and nginx's 200: every field read, and written back byte for byte", "[wire][golden][http]") {
    auto request_bytes = golden_payload("http_curl_get");
    auto request = read_request_head(request_bytes);
    REQUIRE(request.state == RequestState::complete);
    CHECK(request.size == request_bytes.size());
    CHECK(request.head.method == "GET");
    CHECK(request.head.target == "/");
    CHECK(request.head.version == HttpVersion{1, 1});
    CHECK(request.head.fields.find("host")->value == "10.0.9.1");
    CHECK(request.head.fields.find("User-Agent")->value == "curl/7.88.1");
    CHECK(write_request_head(request.head) == std::string(request_bytes.begin(), request_bytes.end()));
    CHECK(request_body_framing(request.head).framing.kind == HttpBodyFraming::Kind::none);

    auto response_bytes = golden_payload("http_nginx_ok");
    auto response = read_response_head(response_bytes);
    REQUIRE(response.state == ResponseState::complete);
    CHECK(response.head.status == 200);
    CHECK(response.head.reason == "OK");
    CHECK(response.head.fields.find("content-type")->value == "text/html");
    auto framing = response_body_framing(response.head, "GET");
    REQUIRE(framing.framing.kind == HttpBodyFraming::Kind::length);
    CHECK(framing.framing.length == 81);
    CHECK(response_bytes.size() - response.size == 81);  // the page follows in the same segment
    std::string head_text(response_bytes.begin(), response_bytes.begin() + static_cast<std::ptrdiff_t>(response.size));
    CHECK(write_response_head(response.head) == head_text);
}

TEST_CASE("HEAD, 404 and a chunked, gzipped answer from nginx", "[wire][golden][http]") {
    auto head_request = read_request_head(golden_payload("http_curl_head"));
    REQUIRE(head_request.state == RequestState::complete);
    CHECK(head_request.head.method == "HEAD");
    auto head_response = read_response_head(golden_payload("http_nginx_head"));
    REQUIRE(head_response.state == ResponseState::complete);
    // A response to HEAD has no body, whatever its Content-Length says (RFC 9112 §6.3 rule 1).
    CHECK(response_body_framing(head_response.head, "HEAD").framing.kind == HttpBodyFraming::Kind::none);
    // Nor does a 2xx to CONNECT: a tunnel follows (rule 2); a refusal of it has its body.
    auto established = read_response_head(bytes_of("HTTP/1.1 200 Connection established\r\nContent-Length: 5\r\n\r\n"));
    REQUIRE(established.state == ResponseState::complete);
    CHECK(response_body_framing(established.head, "CONNECT").framing.kind == HttpBodyFraming::Kind::none);
    established.head.status = 407;
    CHECK(response_body_framing(established.head, "CONNECT").framing.kind == HttpBodyFraming::Kind::length);

    auto missing = read_response_head(golden_payload("http_nginx_not_found"));
    REQUIRE(missing.state == ResponseState::complete);
    CHECK(missing.head.status == 404);
    CHECK(missing.head.reason == "Not Found");

    auto payload = golden_payload("http_nginx_chunked");
    auto chunked_head = read_response_head(payload);
    REQUIRE(chunked_head.state == ResponseState::complete);
    CHECK(chunked_head.head.fields.find("Transfer-Encoding")->value == "chunked");
    CHECK(response_body_framing(chunked_head.head, "GET").framing.kind == HttpBodyFraming::Kind::chunked);
    ChunkedDecoder decoder;
    std::vector<std::uint8_t> body;
    auto rest = Bytes(payload).subspan(chunked_head.size);
    auto used = decoder.feed(rest, body);
    CHECK_FALSE(decoder.failed());
    CHECK(body.size() == 0xa5);
    CHECK(body[0] == 0x1f);  // the gzip magic
    CHECK(body[1] == 0x8b);
    REQUIRE(decoder.done());  // the last chunk came in the same segment
    CHECK(used == rest.size());
}

TEST_CASE("Every cut of a golden head is incomplete, never an error", "[wire][golden][http]") {
    for (const char* golden : {"http_curl_get", "http_curl_head", "http_curl_get_gzip"}) {
        INFO(golden);
        auto payload = golden_payload(golden);
        auto full = read_request_head(payload);
        REQUIRE(full.state == RequestState::complete);
        for (std::size_t size = 0; size < full.size; ++size) {
            INFO(size);
            CHECK(read_request_head(Bytes(payload.data(), size)).state == RequestState::incomplete);
        }
    }
    for (const char* golden : {"http_nginx_ok", "http_nginx_head", "http_nginx_not_found", "http_nginx_chunked"}) {
        INFO(golden);
        auto payload = golden_payload(golden);
        auto full = read_response_head(payload);
        REQUIRE(full.state == ResponseState::complete);
        for (std::size_t size = 0; size < full.size; ++size) {
            CHECK(read_response_head(Bytes(payload.data(), size)).state == ResponseState::incomplete);
        }
    }
}

TEST_CASE("What RFC 9112 tells a server to refuse, with its status", "[wire][http]") {
    const std::string ok = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    CHECK(verdict(ok) == "ok");
    CHECK(verdict("\r\n\r\n" + ok) == "ok");                             // §2.2: empty lines first are skipped
    CHECK(verdict("GET / HTTP/1.1\nHost: a\n\n") == "ok");              // bare LF ends lines too
    CHECK(verdict("GET / HTTP/1.0\r\n\r\n") == "ok");                   // HTTP/1.0 needs no Host
    CHECK(verdict("GET / HTTP/1.1\r\n\r\n") == "400 no Host header (RFC 9112 §3.2)");
    CHECK(verdict("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == "400 more than one Host header");
    CHECK(verdict("GET / HTTP/1.1\r\nHost : a\r\n\r\n") == "400 whitespace between a field name and its colon (RFC 9112 §5.1)");
    CHECK(verdict("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n") == "400 a folded header line (obs-fold, RFC 9112 §5.2)");
    CHECK(verdict("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n") == "400 a CR that does not end a line");
    CHECK(verdict("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n") == "400 a field name that is not a token");
    CHECK(verdict("GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n") == "400 a control character in the value of Host");
    CHECK(verdict("GET / HTTP/1.1\r\nnocolon\r\n\r\n") == "400 a header line without a colon");
    CHECK(verdict("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n").rfind("400", 0) == 0);
    CHECK(verdict("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == "505 HTTP/2 is not served");
    CHECK(verdict("GET / http/1.1\r\nHost: a\r\n\r\n") == "400 'http/1.1' is not an HTTP version");
    CHECK(verdict("GET\r\n\r\n") == "400 the request line is not `METHOD TARGET HTTP/1.1`");
    HttpLimits small{32, 64, 3};
    CHECK(verdict("GET /" + std::string(40, 'a') + " HTTP/1.1\r\n", small) == "414 the request line is too long");
    CHECK(verdict("GET /" + std::string(40, 'a'), small) == "414 the request line is too long");  // before its end
    CHECK(verdict("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", small) == "431 more than 3 header fields");
    CHECK(verdict("GET / HTTP/1.1\r\nHost: " + std::string(70, 'a') + "\r\n\r\n", small).rfind("431", 0) == 0);
    CHECK(verdict("GET / HTTP/1.1\r\nHost: a\r\n") == "incomplete");
}

TEST_CASE("Request bodies: Content-Length, chunked, and the smuggling the RFC forbids", "[wire][http]") {
    auto framing = [](const std::string& fields) {
        auto result = read_request_head(bytes_of("POST / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n"));
        REQUIRE(result.state == RequestState::complete);
        auto framed = request_body_framing(result.head);
        if (framed.status != 0) return std::to_string(framed.status) + " " + framed.error;
        switch (framed.framing.kind) {
            case HttpBodyFraming::Kind::none: return std::string("none");
            case HttpBodyFraming::Kind::length: return "length " + std::to_string(framed.framing.length);
            case HttpBodyFraming::Kind::chunked: return std::string("chunked");
            case HttpBodyFraming::Kind::until_close: return std::string("until close");
        }
        return std::string("?");
    };
    CHECK(framing("") == "none");
    CHECK(framing("Content-Length: 12\r\n") == "length 12");
    CHECK(framing("Content-Length: 12, 12\r\n") == "length 12");
    CHECK(framing("Content-Length: 12\r\nContent-Length: 13\r\n") == "400 a Content-Length that is not one number");
    CHECK(framing("Content-Length: -1\r\n") == "400 a Content-Length that is not one number");
    CHECK(framing("Transfer-Encoding: chunked\r\n") == "chunked");
    CHECK(framing("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n") == "400 both Transfer-Encoding and Content-Length");
    CHECK(framing("Transfer-Encoding: chunked, gzip\r\n") == "400 a transfer coding whose last is not chunked");
    CHECK(framing("Transfer-Encoding: gzip, chunked\r\n") == "501 transfer codings other than chunked are not supported");
}

TEST_CASE("Chunked bodies: sizes, extensions, trailers, split anywhere, bad ones refused", "[wire][http]") {
    const std::string body = "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n";
    for (std::size_t cut = 0; cut <= body.size(); ++cut) {
        INFO(cut);
        ChunkedDecoder decoder;
        std::vector<std::uint8_t> out;
        auto first = decoder.feed(bytes_of(body.substr(0, cut)), out);
        CHECK(first == cut);
        auto second = decoder.feed(bytes_of(body.substr(cut)), out);
        CHECK(first + second == body.size());
        REQUIRE(decoder.done());
        CHECK(std::string(out.begin(), out.end()) == "Wikipedia in\r\n\r\nchunks.");
    }
    auto refused = [](const std::string& text) {
        ChunkedDecoder decoder(100);
        std::vector<std::uint8_t> out;
        decoder.feed(bytes_of(text), out);
        return decoder.failed() ? decoder.error() : std::string("accepted");
    };
    CHECK(refused("zz\r\n") == "a chunk size that is not hex: 'zz'");
    CHECK(refused("4x\r\n") == "junk after a chunk size: '4x'");
    CHECK(refused("4\r\nWikiX\r\n") == "chunk data longer than its size");
    CHECK(refused("ff\r\n") == "a chunked body larger than allowed");
    CHECK(refused("1000000000000000\r\n") == "a chunk size that is not hex: '1000000000000000'");
    CHECK(chunked("Wiki") == "4\r\nWiki\r\n0\r\n\r\n");
    CHECK(chunked("") == "0\r\n\r\n");
    CHECK(http_reason(404) == "Not Found");
    CHECK(http_reason(431) == "Request Header Fields Too Large");
}

TEST_CASE("Fields: found without case, combined, set", "[wire][http]") {
    HttpFields fields;
    fields.add("Accept", "text/html");
    fields.add("accept", "text/plain");
    CHECK(fields.count("ACCEPT") == 2);
    CHECK(fields.combined("Accept") == "text/html, text/plain");
    fields.set("Accept", "*/*");
    CHECK(fields.count("accept") == 1);
    CHECK(fields.find("accept")->value == "*/*");
    CHECK_FALSE(fields.combined("Host"));
    // A list field's members, without case.
    fields.add("Connection", "keep-alive, Upgrade");
    fields.add("connection", " TE ");
    CHECK(fields.has_token("Connection", "upgrade"));
    CHECK(fields.has_token("connection", "te"));
    CHECK(fields.has_token("Connection", "Keep-Alive"));
    CHECK_FALSE(fields.has_token("Connection", "close"));
    CHECK_FALSE(fields.has_token("Connection", "keep"));
    CHECK_FALSE(fields.has_token("Expect", "100-continue"));
}

TEST_CASE("HTTP dates: written as IMF-fixdate, read in all three formats, RFC 850's century by the 50-year rule",
          "[wire][http]") {
    using std::chrono::system_clock;
    auto at = [](std::time_t seconds) { return system_clock::from_time_t(seconds); };
    auto when = at(784111777);
    auto now = at(1764000000);  // 2025-11-24
    CHECK(http_date(when) == "Sun, 06 Nov 1994 08:49:37 GMT");
    // RFC 9110 §5.6.7's three examples are one moment.
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", now) == when);
    CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", now) == when);
    CHECK(parse_http_date("Sun Nov  6 08:49:37 1994", now) == when);
    CHECK(parse_http_date("Wed Nov 16 08:49:37 1994", now) == when + std::chrono::hours(24 * 10));
    CHECK(parse_http_date("Thu, 29 Feb 1996 00:00:00 GMT", now) == at(825552000));
    // A two-digit year more than 50 years ahead is the last century's.
    CHECK(parse_http_date("Tuesday, 01-Jan-75 00:00:00 GMT", now) == at(3313526400));
    CHECK(parse_http_date("Thursday, 01-Jan-76 00:00:00 GMT", now) == at(189302400));
    CHECK(parse_http_date("Saturday, 01-Jan-01 00:00:00 GMT", at(4083955200)) == at(4133980800));  // seen in 2099: 2101

    for (const char* refused : {"sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
                                "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun, 6 Nov 1994 08:49:37 GMT",
                                "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:37 GMT", "Sun, 06 Nov 1994 08:49:61 GMT",
                                "Sun, 31 Feb 1994 08:49:37 GMT", "Mon, 29 Feb 1900 08:49:37 GMT", "Sun, 06 Nov 1600 08:49:37 GMT",
                                "Sun, 06 Nov 9999 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT",
                                "Sun, 06-Nov-94 08:49:37 GMT", "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 1994 GMT",
                                "Sun Nov 06 08:49:37 94", "Nov  6 08:49:37 1994", "", "Sun", "Sunday"}) {
        INFO(refused);
        CHECK_FALSE(parse_http_date(refused, now));
    }
    // Every cut of each format is refused, never read past its end.
    for (std::string whole : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"}) {
        for (std::size_t size = 0; size < whole.size(); ++size) {
            INFO(whole.substr(0, size));
            CHECK_FALSE(parse_http_date(std::string_view(whole).substr(0, size), now));
        }
    }
}
