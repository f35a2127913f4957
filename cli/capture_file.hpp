#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/client.hpp"

namespace emu::cli {

/// Copies a lab's pcapng, as far as it is complete now, to `output` ("-": standard output).
/// Returns emud's `capture` reply (path, bytes, frames, counts).
nlohmann::json save_capture(Client& client, const std::string& lab, const std::string& output);

}  // namespace emu::cli
