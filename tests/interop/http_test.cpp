// HTTP in a lab between stock peers, curl and nginx: the trace shows each request and
// response, keep-alive and chunked answers included. Needs root and ci/deps' packages.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "lib/util/files.hpp"
#include "tests/integration/harness.hpp"

using namespace emu::test;
using namespace std::chrono_literals;

namespace {

// curl in the lab's client node `cli`, quiet, given 5 s.
CommandResult curl_from_cli(TestDaemon& daemon, const std::string& lab, const std::vector<std::string>& arguments) {
    std::vector<std::string> command{"exec", lab, "cli", "--", "curl", "-s", "--max-time", "5"};
    command.insert(command.end(), arguments.begin(), arguments.end());
    return daemon.emu(command);
}

}  // namespace

TEST_CASE("the trace decodes curl's requests to nginx and its answers, plain and chunked", "[root][interop][http]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("ihttp");
    auto work = daemon.state_dir().string();
    std::filesystem::create_directories(work + "/www");
    emu::util::write_file_atomic(work + "/www/index.html", "<!doctype html>\n<title>emu</title>\n<p>The page.</p>\n");
    std::string notes;
    for (int i = 1; i <= 40; ++i) notes += fmt::format("line {} of a text that compresses well\n", i);
    emu::util::write_file_atomic(work + "/www/notes.txt", notes);
    emu::util::write_file_atomic(work + "/nginx.conf", fmt::format(R"(daemon off;
user root;
worker_processes 1;
pid {0}/nginx.pid;
error_log {0}/error.log;
events {{ worker_connections 64; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path {0}/body;
  proxy_temp_path {0}/proxy;
  fastcgi_temp_path {0}/fastcgi;
  uwsgi_temp_path {0}/uwsgi;
  scgi_temp_path {0}/scgi;
  gzip on;
  gzip_types text/plain;
  gzip_min_length 1;
  server {{ listen 10.0.9.1:80; root {0}/www; }}
}}
)",
                                                                   work));
    TopologyFile topology("http", fmt::format(R"(name: http
nodes:
  lan: {{kind: switch}}
  srv:
    interfaces: {{eth0: 10.0.9.1/24}}
    exec: ["nginx -c {}/nginx.conf"]
  cli: {{interfaces: {{eth0: 10.0.9.2/24}}}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [cli:eth0, lan]
)",
                                              work));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    auto curl = [&](const std::vector<std::string>& arguments) { return curl_from_cli(daemon, lab, arguments); };
    REQUIRE(wait_until([&] { return curl({"http://10.0.9.1/"}).ok(); }, 5s));
    // Two pages over one connection (keep-alive), then a gzipped one, sent chunked.
    auto both = curl({"http://10.0.9.1/", "http://10.0.9.1/missing"});
    REQUIRE(both.ok());
    auto gzip = curl({"--compressed", "http://10.0.9.1/notes.txt"});
    REQUIRE(gzip.ok());
    CHECK(gzip.out == notes);
    // emu-host's client against nginx: the page, its head with -v, and a 404 as a failure.
    auto fetched = daemon.emu({"exec", lab, "cli", "--", "emu-host", "get", "-v", "http://10.0.9.1/notes.txt"});
    INFO(fetched.err);
    CHECK(fetched.ok());
    CHECK(fetched.out == notes);
    CHECK(fetched.err.find("< HTTP/1.1 200 OK (from 10.0.9.1:80)") != std::string::npos);
    CHECK(fetched.err.find("< Server: nginx") != std::string::npos);
    auto missing = daemon.emu({"exec", lab, "cli", "--", "emu-host", "get", "http://10.0.9.1/missing"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("HTTP 404 Not Found") != std::string::npos);

    auto trace = daemon.emu({"trace", lab, "--protocol", "http"}).out;
    INFO(trace);
    CHECK(count_of(trace, "HTTP GET / Host: 10.0.9.1") >= 2);
    CHECK(trace.find("HTTP 200 OK 52 bytes text/html") != std::string::npos);  // index.html
    CHECK(trace.find("HTTP GET /missing Host: 10.0.9.1") != std::string::npos);
    CHECK(trace.find("HTTP 404 Not Found 153 bytes text/html") != std::string::npos);
    CHECK(trace.find("HTTP GET /notes.txt Host: 10.0.9.1") != std::string::npos);
    CHECK(trace.find("text/plain chunked") != std::string::npos);
    auto json = daemon.emu({"trace", lab, "--protocol", "http", "--json"}).out;
    CHECK(json.find("\"status\":404") != std::string::npos);
}

TEST_CASE("curl against emu-httpd: pages, keep-alive, HEAD, 404, 304, 405, 100 Continue, dot segments and a climb out refused",
          "[root][interop][http]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("ihttpd");
    TopologyFile topology("http", R"(name: http
nodes:
  lan: {kind: switch}
  srv:
    kind: server
    interfaces: {eth0: 10.0.9.1/24}
    services:
      http:
        pages:
          /index.html: "<!doctype html><title>emu</title><p>The page.</p>\n"
          /docs/index.html: "<p>docs</p>\n"
          /style.css: "p { color: teal }\n"
  cli: {interfaces: {eth0: 10.0.9.2/24}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [cli:eth0, lan]
)");
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());
    auto curl = [&](const std::vector<std::string>& arguments) { return curl_from_cli(daemon, lab, arguments); };
    auto page = curl({"-i", "http://10.0.9.1/"});
    INFO(page.out << page.err);
    REQUIRE(page.ok());
    CHECK(page.out.find("HTTP/1.1 200 OK\r\n") == 0);
    CHECK(page.out.find("Content-Type: text/html; charset=utf-8\r\n") != std::string::npos);
    CHECK(page.out.find("<p>The page.</p>") != std::string::npos);
    // Several requests on one connection, each answered in turn.
    auto codes = curl({"-w", "%{http_code} %{num_connects}\\n", "--path-as-is", "-o", "/dev/null",
                       "http://10.0.9.1/style.css", "-o", "/dev/null", "http://10.0.9.1/nope", "-o", "/dev/null",
                       "http://10.0.9.1/docs", "-o", "/dev/null", "http://10.0.9.1/../../etc/passwd", "-o", "/dev/null",
                       "http://10.0.9.1/docs/../style.css"});
    CHECK(codes.out == "200 1\n404 0\n301 0\n403 0\n200 0\n");
    auto head = curl({"-I", "http://10.0.9.1/style.css"});
    CHECK(head.out.find("Content-Type: text/css; charset=utf-8") != std::string::npos);
    CHECK(head.out.find("Content-Length: 18") != std::string::npos);
    CHECK(head.out.find("Accept-Ranges: none") != std::string::npos);
    auto modified = head.out.substr(head.out.find("Last-Modified: ") + 15, 29);
    auto conditional = curl({"-o", "/dev/null", "-w", "%{http_code}", "-H", "If-Modified-Since: " + modified,
                             "http://10.0.9.1/style.css"});
    CHECK(conditional.out == "304");
    auto post = curl({"-o", "/dev/null", "-w", "%{http_code}", "-d", "x=1", "http://10.0.9.1/"});
    CHECK(post.out == "405");
    // An upload that expects 100-continue (RFC 9110 §10.1.1) is answered as soon as its head
    // is in: 100 Continue when the content is to be read, the final answer when it is not.
    // curl would wait 30 s for either, past its --max-time: a server silent until the
    // content comes fails it.
    auto upload = [&](const std::string& arguments) {
        return daemon.emu({"exec", lab, "cli", "--", "sh", "-c",
                           "printf hello | curl -sv --max-time 5 --expect100-timeout 30 -H 'Expect: 100-continue' "
                           "-o /dev/null -w '%{http_code}' --data-binary @- " +
                               arguments});
    };
    auto continued = upload("-X GET http://10.0.9.1/style.css");
    INFO(continued.err);
    CHECK(continued.out == "200");
    CHECK(continued.err.find("< HTTP/1.1 100 Continue") != std::string::npos);
    auto refused = upload("http://10.0.9.1/");  // a POST: 405 from its head alone, the content never sent
    INFO(refused.err);
    CHECK(refused.out == "405");
    CHECK(refused.err.find("100 Continue") == std::string::npos);
    auto logs = daemon.emu({"logs", lab, "srv"}).out;
    CHECK(logs.find("http.access 10.0.9.2 \"GET / HTTP/1.1\" 200") != std::string::npos);
    CHECK(logs.find("\"GET /../../etc/passwd HTTP/1.1\" 403") != std::string::npos);
    auto trace = daemon.emu({"trace", lab, "--protocol", "http"}).out;
    CHECK(trace.find("HTTP 304 Not Modified 0 bytes") != std::string::npos);
    CHECK(trace.find("HTTP 200 OK 0 bytes text/css") != std::string::npos);  // curl -I's answer, alone on its connection
    CHECK(trace.find("HTTP 100 Continue 0 bytes") != std::string::npos);
    CHECK(trace.find("HTTP GET /style.css Host: 10.0.9.1 5 bytes") != std::string::npos);
}

TEST_CASE("emu-httpd under strain: a slow request gets 408, a large body 413, wrk's 300 connections are all served, and running out of descriptors is survived",
          "[root][interop][http]") {
    TestDaemon daemon;
    auto lab = daemon.lab_name("ihttpload");
    // A second emu-httpd on port 8080, started by emud (which hands it stdin, stdout and
    // stderr only) with 24 descriptors: too few for all of wrk's connections below.
    auto work = daemon.state_dir().string();
    emu::util::write_file_atomic(work + "/small.json", R"({"pages": {"/index.html": "<p>small</p>\n"}, "port": 8080})");
    TopologyFile topology("http", fmt::format(R"(name: http
nodes:
  lan: {{kind: switch}}
  srv:
    kind: server
    interfaces: {{eth0: 10.0.9.1/24}}
    services:
      http:
        request_timeout: 0.5
        pages:
          /index.html: "<p>The page.</p>\n"
    exec: ["prlimit --nofile=24 emu-httpd -c {0}/small.json -d {0}"]
  cli: {{interfaces: {{eth0: 10.0.9.2/24}}}}
links:
  - endpoints: [srv:eth0, lan]
  - endpoints: [cli:eth0, lan]
)",
                                                  work));
    REQUIRE(daemon.emu({"up", topology, "--name", lab}).ok());

    // Half a head, then nothing, the connection held open: after request_timeout the server
    // says 408 and closes (RFC 9110 §15.5.9), which ends cat.
    auto slow = daemon.emu({"exec", lab, "cli", "--", "bash", "-c",
                            "exec 3<>/dev/tcp/10.0.9.1/80 && printf 'GET / HTTP/1.1\\r\\nHost: 10.0.9.1\\r\\n' >&3 && "
                            "timeout 5 cat <&3"});
    INFO(slow.out << slow.err);
    CHECK(slow.out.find("HTTP/1.1 408 Request Timeout\r\n") == 0);
    CHECK(slow.out.find("Connection: close\r\n") != std::string::npos);

    // A body over 1 MiB: 413 from the head alone, before curl sends the body it announced.
    auto large = daemon.emu({"exec", lab, "cli", "--", "sh", "-c",
                             "head -c 2000000 /dev/zero | curl -s --max-time 5 -o /dev/null -w '%{http_code}' "
                             "--data-binary @- http://10.0.9.1/"});
    CHECK(large.out == "413");

    // Many connections at once, each kept alive: every request answered, no socket errors.
    // wrk's own timeout raised from 2 s: a sanitizer build answers slowly, and that is not an error.
    auto wrk = daemon.emu({"exec", lab, "cli", "--", "wrk", "-t2", "-c300", "-d2s", "--timeout", "10s", "http://10.0.9.1/"});
    INFO(wrk.out << wrk.err);
    REQUIRE(wrk.ok());
    CHECK(wrk.out.find("300 connections") != std::string::npos);
    CHECK(wrk.out.find("Socket errors") == std::string::npos);
    CHECK(wrk.out.find("Non-2xx") == std::string::npos);
    CHECK(wrk.out.find(" requests in ") != std::string::npos);

    // Out of file descriptors: the second server cannot take all of wrk's connections, says
    // so, and serves again once they are gone.
    auto small_page = [&] {
        return daemon.emu({"exec", lab, "cli", "--", "curl", "-s", "--max-time", "2", "http://10.0.9.1:8080/"}).out ==
               "<p>small</p>\n";
    };
    REQUIRE(wait_until(small_page, std::chrono::seconds(10)));
    daemon.emu({"exec", lab, "cli", "--", "wrk", "-t1", "-c40", "-d1s", "http://10.0.9.1:8080/"});
    CHECK(small_page());
    auto logs = daemon.emu({"logs", lab, "srv"}).out;
    CHECK(logs.find("http.accept_failed: Too many open files") != std::string::npos);
    CHECK(logs.find("http.access 10.0.9.2 - 408") != std::string::npos);
    CHECK(logs.find("\"POST / HTTP/1.1\" 413") != std::string::npos);
    CHECK(logs.find("http.refused") == std::string::npos);
}
