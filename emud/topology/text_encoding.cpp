#include "emud/topology/text_encoding.hpp"

#include <array>
#include <string>

#include <fmt/format.h>

namespace emu::topology {
namespace {

// YAML 1.2 §5.2: the encoding shows in the first bytes, with or without a byte order mark,
// since a YAML file starts with an ASCII character.
std::optional<std::string_view> wide_encoding(std::string_view text) {
    auto byte = [&](std::size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0x100; };
    if (byte(0) == 0x00 && byte(1) == 0x00 && byte(2) == 0xFE && byte(3) == 0xFF) return "UTF-32 (big-endian)";
    if (byte(0) == 0xFF && byte(1) == 0xFE && byte(2) == 0x00 && byte(3) == 0x00) return "UTF-32 (little-endian)";
    if (byte(0) == 0xFE && byte(1) == 0xFF) return "UTF-16 (big-endian)";
    if (byte(0) == 0xFF && byte(1) == 0xFE) return "UTF-16 (little-endian)";
    if (byte(0) == 0x00 && byte(1) == 0x00 && byte(2) == 0x00 && byte(3) < 0x80) return "UTF-32 (big-endian)";
    if (byte(0) < 0x80 && byte(0) != 0 && byte(1) == 0x00 && byte(2) == 0x00 && byte(3) == 0x00) {
        return "UTF-32 (little-endian)";
    }
    if (byte(0) == 0x00 && byte(1) < 0x80 && byte(1) != 0) return "UTF-16 (big-endian)";
    if (byte(0) < 0x80 && byte(0) != 0 && byte(1) == 0x00) return "UTF-16 (little-endian)";
    return std::nullopt;
}

// The length of the UTF-8 sequence at `text[at]`, or 0 when it is not one (RFC 3629 §4).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
    auto byte = [&](std::size_t i) { return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0; };
    auto in = [](unsigned value, unsigned low, unsigned high) { return value >= low && value <= high; };
    unsigned first = byte(0);
    if (first < 0x80) return 1;
    if (in(first, 0xC2, 0xDF)) return in(byte(1), 0x80, 0xBF) ? 2 : 0;
    if (in(first, 0xE0, 0xEF)) {
        unsigned low = first == 0xE0 ? 0xA0 : 0x80;   // shorter forms are overlong
        unsigned high = first == 0xED ? 0x9F : 0xBF;  // ED A0..BF would be a surrogate
        return in(byte(1), low, high) && in(byte(2), 0x80, 0xBF) ? 3 : 0;
    }
    if (in(first, 0xF0, 0xF4)) {
        unsigned low = first == 0xF0 ? 0x90 : 0x80;
        unsigned high = first == 0xF4 ? 0x8F : 0xBF;  // above U+10FFFF otherwise
        return in(byte(1), low, high) && in(byte(2), 0x80, 0xBF) && in(byte(3), 0x80, 0xBF) ? 4 : 0;
    }
    return 0;
}

// Where byte `offset` is, as yaml-cpp counts: lines from 1, columns in bytes from 1.
SourceSpot spot_at(std::string_view text, std::size_t offset) {
    SourceSpot spot{1, 1};
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++spot.line;
            spot.column = 1;
        } else {
            ++spot.column;
        }
    }
    return spot;
}

}  // namespace

std::optional<Diagnostic> check_text_encoding(std::string_view text, std::string_view what) {
    if (auto encoding = wide_encoding(text)) {
        return Diagnostic{{1, 1},
                          fmt::format("the file is {} text, and a {} file is UTF-8", *encoding, what),
                          fmt::format("convert it: iconv -f {} -t UTF-8 FILE > NEW.yaml", encoding->substr(0, 6))};
    }
    for (std::size_t at = 0; at < text.size();) {
        if (text[at] == '\0') {
            return Diagnostic{spot_at(text, at), "the file holds a NUL byte here, and so is not text",
                              fmt::format("a {} file is YAML text: is this the file you meant?", what)};
        }
        auto length = utf8_sequence_length(text, at);
        if (length == 0) {
            return Diagnostic{spot_at(text, at),
                              fmt::format("the file is not UTF-8: byte 0x{:02X} here is not part of a UTF-8 character",
                                          static_cast<unsigned char>(text[at])),
                              "save it as UTF-8; iconv -f LATIN1 -t UTF-8 FILE > NEW.yaml converts Latin-1"};
        }
        at += length;
    }
    return std::nullopt;
}

}  // namespace emu::topology
