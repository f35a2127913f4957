#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

namespace emu::http {

/// Writes a site given inline (`pages: {/index.html: "…"}`) into `directory`, emptied first,
/// and returns it. Each path must start with `/` and have no empty, `.` or `..` part: a page
/// can only land inside the directory. Throws std::invalid_argument naming the bad path.
std::filesystem::path write_inline_pages(const std::filesystem::path& directory, const nlohmann::json& pages);

}  // namespace emu::http
