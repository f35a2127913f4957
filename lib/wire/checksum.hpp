#pragma once

#include <cstdint>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::wire {

/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of
/// 16-bit words, odd trailing byte padded with zero. Summing a header that carries a
/// correct checksum yields 0.
class InternetChecksum {
public:
    void add(Bytes bytes);
    void add_u16(std::uint16_t value) { sum_ += value; }
    void add_u32(std::uint32_t value) { sum_ += (value >> 16) + (value & 0xffff); }
    std::uint16_t value() const;

private:
    std::uint64_t sum_ = 0;
    bool odd_ = false;  // an odd-length add leaves its last byte as the high half of a word
};

/// The checksum of a UDP or TCP segment over its IPv4 pseudo-header (RFC 768, RFC 9293 §3.1):
/// source, destination, zero, protocol, segment length, then the segment with its checksum
/// field as it is. A segment whose checksum is correct yields 0.
std::uint16_t ipv4_transport_checksum(Ipv4Address source, Ipv4Address destination, std::uint8_t protocol,
                                      Bytes segment);

}  // namespace emu::wire
