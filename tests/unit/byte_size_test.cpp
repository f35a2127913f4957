#include <catch2/catch.hpp>

#include "lib/util/byte_size.hpp"

using emu::util::format_byte_size;
using emu::util::parse_byte_size;

TEST_CASE("a size in bytes is read with binary and decimal units, with or without a space", "[util]") {
    CHECK(parse_byte_size("1500") == 1500u);
    CHECK(parse_byte_size("1500B") == 1500u);
    CHECK(parse_byte_size("64KiB") == 64u * 1024);
    CHECK(parse_byte_size("64 MiB") == 64u << 20);
    CHECK(parse_byte_size("2GiB") == 2ull << 30);
    CHECK(parse_byte_size("3 TiB") == 3ull << 40);
    CHECK(parse_byte_size("5kB") == 5000u);
    CHECK(parse_byte_size("500MB") == 500'000'000u);
    CHECK(parse_byte_size("1GB") == 1'000'000'000u);
    CHECK(parse_byte_size("0") == 0u);
}

TEST_CASE("anything else is not a size: fractions, signs, unknown units, overflow", "[util]") {
    for (const char* text : {"", "MiB", "1.5MiB", "-1", "+1", "1 mib", "1KB", "1  MiB", "1 MiB ", "1m", "10 gigabytes",
                             "18446744073709551616", "16777216TiB", " 1"}) {
        INFO(text);
        CHECK_FALSE(parse_byte_size(text));
    }
    CHECK(parse_byte_size("18446744073709551615") == 18446744073709551615ull);
}

TEST_CASE("a size is written in the largest unit that divides it", "[util]") {
    CHECK(format_byte_size(0) == "0 B");
    CHECK(format_byte_size(1500) == "1500 B");
    CHECK(format_byte_size(1024) == "1 KiB");
    CHECK(format_byte_size(64u << 20) == "64 MiB");
    CHECK(format_byte_size(1ull << 30) == "1 GiB");
    CHECK(format_byte_size(16ull << 40) == "16 TiB");
    CHECK(format_byte_size(3000) == "3 kB");
    CHECK(format_byte_size(500'000'000) == "500 MB");
    for (std::uint64_t bytes : {1ull, 1000ull, 4096ull, 123456789ull, 1ull << 40}) {
        CHECK(parse_byte_size(format_byte_size(bytes)) == bytes);
    }
}
