#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace emu::util {

/// Sets up the process-wide logger: to stderr, with the program's name, at `level`
/// ("debug", "info", "warn", "error"); EMU_LOG_LEVEL overrides it.
void init_logging(const std::string& program, const std::string& level = "info");

}  // namespace emu::util
