#pragma once

#include <filesystem>

namespace emu::util {

/// Where emud keeps its socket, pid and per-lab runtime files: $EMU_RUNTIME_DIR or /run/emu.
std::filesystem::path runtime_dir();

/// Where lab journals and node data live across reboots: $EMU_STATE_DIR or /var/lib/emu.
std::filesystem::path state_dir();

/// The directory of the running program, so `emu` finds emud and the node programs beside it.
std::filesystem::path program_dir();

/// The control socket inside runtime_dir().
std::filesystem::path control_socket_path();

}  // namespace emu::util
