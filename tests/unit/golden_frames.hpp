#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace emu::test {

/// The bytes of a golden frame, tests/data/frames/NAME.hex (captured from a real lab by
/// tests/data/frames/capture). Throws when the file is missing or not hex.
std::vector<std::uint8_t> golden_frame(const std::string& name);

/// One side ("client" or "server") of a golden TCP session: every byte it sent on the
/// connection, in order (tests/data/sessions/NAME.SIDE.hex, made by the capture scripts of
/// tests/data/frames). Throws when the file is missing or not hex.
std::vector<std::uint8_t> golden_session(const std::string& name, const std::string& side);

/// The names of every golden frame, sorted.
std::vector<std::string> golden_frame_names();

}  // namespace emu::test
