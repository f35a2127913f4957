#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "lib/wire/buffer.hpp"

namespace emu::trace {

/// Which way a captured frame went, as pcapng's epb_flags records it.
enum class FrameDirection : std::uint8_t { unknown = 0, inbound = 1, outbound = 2 };

/// Appends pcapng blocks (draft-ietf-opsawg-pcapng, in the byte order of this machine, as
/// the Byte-Order Magic declares) to a byte vector. Pure: the caller writes the bytes out.
namespace pcapng {

/// The Section Header Block that opens a file: version 1.0, section length unknown.
void section_header(std::vector<std::uint8_t>& out, std::string_view application);

/// An Interface Description Block for Ethernet with nanosecond timestamps; interfaces are
/// numbered 0, 1, … in the order their blocks are written.
void interface_description(std::vector<std::uint8_t>& out, std::string_view name, std::string_view description,
                           std::uint32_t snap_length);

/// An Enhanced Packet Block: `data` as captured, `original_length` as it was on the wire.
void enhanced_packet(std::vector<std::uint8_t>& out, std::uint32_t interface_id, std::uint64_t timestamp_ns,
                     wire::Bytes data, std::uint32_t original_length, FrameDirection direction);

/// An Interface Statistics Block: frames received and dropped on an interface so far.
void interface_statistics(std::vector<std::uint8_t>& out, std::uint32_t interface_id, std::uint64_t timestamp_ns,
                          std::uint64_t received, std::uint64_t dropped);

}  // namespace pcapng
}  // namespace emu::trace
