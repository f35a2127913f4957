#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace emu::test {

/// The bytes of a golden frame, tests/data/frames/NAME.hex (captured from a real lab by
/// tests/data/frames/capture). Throws when the file is missing or not hex.
std::vector<std::uint8_t> golden_frame(const std::string& name);

/// The names of every golden frame, sorted.
std::vector<std::string> golden_frame_names();

}  // namespace emu::test
