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

/// What a golden frame carries over UDP, or straight over IPv4 as IP protocol `protocol`
/// (OSPF, IGMP). Throws when the frame does not decode to that.
std::vector<std::uint8_t> golden_udp_payload(const std::string& name);
std::vector<std::uint8_t> golden_ip_payload(const std::string& name, std::uint8_t protocol);

/// The names of every golden frame, sorted.
std::vector<std::string> golden_frame_names();

}  // namespace emu::test
