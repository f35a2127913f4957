// emu-host's stub resolver, its pure parts: resolv.conf as the C library reads it, the
// names a short name becomes through the search list, and the chain of records an answer
// gives for a question.
#include <catch2/catch.hpp>

#include "nodes/host/http_url.hpp"
#include "nodes/host/stub_resolver.hpp"

using namespace emu;
using namespace emu::host;
using namespace emu::wire;

namespace {

DnsName name(const char* text) { return *DnsName::parse(text); }

std::vector<std::string> texts(const std::vector<DnsName>& names) {
    std::vector<std::string> result;
    for (const auto& n : names) result.push_back(n.to_string());
    return result;
}

}  // namespace

TEST_CASE("resolv.conf: servers, search list, options, and the defaults", "[resolver]") {
    auto config = parse_resolv_conf(R"(# emu-host: from the DHCP lease on eth0
domain old.example
search lab.example corp.example ; the last search or domain line wins
nameserver 10.0.9.1
nameserver 2001:db8::53
nameserver not-an-address
nameserver 10.0.9.2
nameserver 10.0.9.3
options ndots:2 timeout:1 attempts:3 rotate
)");
    REQUIRE(config.nameservers.size() == 3);
    CHECK(config.nameservers[0].to_string() == "10.0.9.1");
    CHECK(config.nameservers[1].to_string() == "2001:db8::53");
    CHECK(texts(config.search) == std::vector<std::string>{"lab.example.", "corp.example."});
    CHECK(config.ndots == 2);
    CHECK(config.timeout == std::chrono::seconds(1));
    CHECK(config.attempts == 3);

    auto empty = parse_resolv_conf("");
    REQUIRE(empty.nameservers.size() == 1);
    CHECK(empty.nameservers[0].to_string() == "127.0.0.1");
    CHECK(empty.timeout == std::chrono::seconds(5));
    CHECK(empty.attempts == 2);
    CHECK(empty.ndots == 1);
    CHECK(parse_resolv_conf("options timeout:999 attempts:0 ndots:x").timeout == std::chrono::seconds(30));
}

TEST_CASE("A short name goes through the search list first, a dotted one is asked as it is first", "[resolver]") {
    ResolverConfig config;
    config.search = {name("lab.example"), name("corp.example")};
    CHECK(texts(*names_to_ask("www", config)) ==
          std::vector<std::string>{"www.lab.example.", "www.corp.example.", "www."});
    CHECK(texts(*names_to_ask("www.other.example", config)) ==
          std::vector<std::string>{"www.other.example.", "www.other.example.lab.example.", "www.other.example.corp.example."});
    CHECK(texts(*names_to_ask("www.other.example.", config)) == std::vector<std::string>{"www.other.example."});
    config.ndots = 3;
    CHECK(texts(*names_to_ask("a.b", config)).front() == "a.b.lab.example.");
    CHECK_FALSE(names_to_ask("a..b", config));
}

TEST_CASE("The answer chain: CNAMEs in order, then the records of the type", "[resolver]") {
    DnsMessage response;
    response.header.response = true;
    response.answers.push_back({name("www.lab.example"), dns_type::kA, dns_class::kIn, 60, *Ipv4Address::parse("10.0.2.80")});
    response.answers.push_back({name("web.lab.example"), dns_type::kCname, dns_class::kIn, 60, name("WWW.lab.example")});
    response.answers.push_back({name("deep.lab.example"), dns_type::kCname, dns_class::kIn, 60, name("web.lab.example")});
    auto chain = answer_chain(response, {name("deep.lab.example"), dns_type::kA, dns_class::kIn});
    REQUIRE(chain.size() == 3);
    CHECK(chain[0].name == name("deep.lab.example"));
    CHECK(chain[1].name == name("web.lab.example"));
    CHECK(chain[2].type == dns_type::kA);
    // The chain ends without the type: NODATA at its end.
    auto mx = answer_chain(response, {name("deep.lab.example"), dns_type::kMx, dns_class::kIn});
    CHECK(mx.size() == 2);
    // A loop ends.
    DnsMessage loop;
    loop.answers.push_back({name("a.example"), dns_type::kCname, dns_class::kIn, 60, name("b.example")});
    loop.answers.push_back({name("b.example"), dns_type::kCname, dns_class::kIn, 60, name("a.example")});
    CHECK(answer_chain(loop, {name("a.example"), dns_type::kA, dns_class::kIn}).size() <= 3);
    CHECK(answer_chain(response, {name("nope.lab.example"), dns_type::kA, dns_class::kIn}).empty());
}

TEST_CASE("http:// URLs: host, port, path and query", "[resolver][http]") {
    auto url = parse_http_url("http://www.lab.example/index.html?x=1#top");
    REQUIRE(url);
    CHECK(url->host == "www.lab.example");
    CHECK(url->port == 80);
    CHECK(url->target == "/index.html?x=1");
    CHECK(parse_http_url("http://10.0.2.80:8080")->target == "/");
    CHECK(parse_http_url("http://10.0.2.80:8080")->port == 8080);
    CHECK(parse_http_url("http://user@host?q")->target == "/?q");
    CHECK(parse_http_url("http://user@host?q")->host == "host");
    CHECK(parse_http_url("https://x").error() == "only http:// URLs are fetched");
    CHECK(parse_http_url("http://x:99999").error() == "'99999' is not a port");
    CHECK(parse_http_url("http:///path").error() == "the URL names no host");
}
