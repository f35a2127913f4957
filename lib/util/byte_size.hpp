#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emu::util {

/// Reads a size in bytes as a person writes it: a whole number, optionally followed by a
/// unit — B, the decimal kB, MB, GB, TB (powers of 1000) or the binary KiB, MiB, GiB, TiB
/// (powers of 1024), with or without a space between. Nothing else is a size (no fractions,
/// no signs); a size that does not fit in 64 bits is none either.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

/// The shortest exact form: "64 MiB", "1500 B", "3 kB"; binary units when they divide.
std::string format_byte_size(std::uint64_t bytes);

}  // namespace emu::util
