#include "lib/util/byte_size.hpp"

#include <array>
#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace emu::util {
namespace {

struct Unit {
    std::string_view name;
    std::uint64_t scale;
};

// Largest first, so that format_byte_size picks the biggest unit that divides exactly.
constexpr std::array kBinaryUnits{Unit{"TiB", 1ull << 40}, Unit{"GiB", 1ull << 30}, Unit{"MiB", 1ull << 20},
                                  Unit{"KiB", 1ull << 10}};
constexpr std::array kDecimalUnits{Unit{"TB", 1'000'000'000'000ull}, Unit{"GB", 1'000'000'000ull},
                                   Unit{"MB", 1'000'000ull}, Unit{"kB", 1'000ull}};

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end == text.data()) return std::nullopt;
    auto unit = text.substr(static_cast<std::size_t>(end - text.data()));
    if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    if (unit.empty() || unit == "B") return number;
    for (const auto& units : {kBinaryUnits, kDecimalUnits}) {
        for (const auto& candidate : units) {
            if (unit != candidate.name) continue;
            if (number > std::numeric_limits<std::uint64_t>::max() / candidate.scale) return std::nullopt;
            return number * candidate.scale;
        }
    }
    return std::nullopt;
}

std::string format_byte_size(std::uint64_t bytes) {
    if (bytes != 0) {
        for (const auto& units : {kBinaryUnits, kDecimalUnits}) {
            for (const auto& unit : units) {
                if (bytes % unit.scale == 0) return fmt::format("{} {}", bytes / unit.scale, unit.name);
            }
        }
    }
    return fmt::format("{} B", bytes);
}

}  // namespace emu::util
