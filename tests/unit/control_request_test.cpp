// The control socket's request decoder: every limit checked before the JSON parser runs.
#include <catch2/catch.hpp>

#include "emud/api/protocol.hpp"

using namespace emu::api;

TEST_CASE("nesting is counted outside strings only", "[api]") {
    CHECK(nesting_depth(R"({"a":[1,{"b":2}]})", 64) == 3);
    CHECK(nesting_depth(R"({"a":"[[[[{{{{"})", 64) == 1);
    CHECK(nesting_depth(R"({"a":"\"[[[[","b":[]})", 64) == 2);
    CHECK(nesting_depth(R"("\\" [[)", 64) == 2);  // an escaped backslash ends before the quote
    CHECK(nesting_depth(std::string(1000, '['), 64) == 65);  // stops once past the limit
    CHECK(nesting_depth("]]]}}", 64) == 0);
}

TEST_CASE("a request is an object with a method, and parameters that are an object", "[api]") {
    auto ok = decode_request(R"({"id":3,"method":"status","params":{"lab":"x"}})");
    REQUIRE(ok);
    CHECK(ok->id == 3);
    CHECK(ok->method == "status");
    CHECK(ok->params["lab"] == "x");

    auto bare = decode_request(R"({"method":"list"})");
    REQUIRE(bare);
    CHECK(bare->id.is_null());
    CHECK(bare->params.is_object());

    auto message = [](std::string_view line) {
        auto decoded = decode_request(line);
        REQUIRE_FALSE(decoded);
        CHECK(decoded.error().code() == "bad-request");
        return std::string(decoded.error().what());
    };
    CHECK(message("{not json") == "a request is one line of JSON; this one does not parse");
    CHECK(message("[1,2]") == "a request is a JSON object with a \"method\"");
    CHECK(message(R"({"method":5})") == "a request is a JSON object with a \"method\"");
    CHECK(message(R"({"method":"up","params":[1]})") == "a request's \"params\" is an object");
    CHECK(message(R"({"method":"up","params":)" + std::string(65, '[') + std::string(65, ']') + "}") ==
          "a request nests arrays and objects at most 64 deep; this one goes deeper");
    CHECK(message(std::string(kMaxLineBytes + 1, ' ')).find("at most 40 MiB") != std::string::npos);
}
