#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace emu::trace {

/// How many items of a list a summary line names before it says how many more there are.
inline constexpr std::size_t kNamedInSummary = 3;

/// A list as a summary line names it: "a, b, c +2 more", or "none"; each item as `text` writes it.
template <typename Item, typename Text>
std::string listed(const std::vector<Item>& items, Text text) {
    if (items.empty()) return "none";
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < kNamedInSummary; ++i) out += (i ? ", " : "") + text(items[i]);
    if (items.size() > kNamedInSummary) out += fmt::format(" +{} more", items.size() - kNamedInSummary);
    return out;
}

}  // namespace emu::trace
