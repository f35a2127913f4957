#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/client.hpp"

namespace emu::cli {

/// Copies a lab's pcapng, as far as it is complete now, to `output` ("-": standard output).
/// Returns emud's `capture` reply (path, bytes, frames, counts).
nlohmann::json save_capture(Client& client, const std::string& lab, const std::string& output);

/// What a capture lost, from emud's counts, one sentence for each kind of loss (empty when
/// nothing was lost): frames the kernel dropped (in neither the trace nor the pcapng),
/// frames past the pcapng's size cap, and frames the trace's ring let go (still in the
/// pcapng when they were written there).
std::vector<std::string> capture_losses(const nlohmann::json& counts);

}  // namespace emu::cli
