#include "lib/wire/checksum.hpp"

namespace emu::wire {

void InternetChecksum::add(Bytes bytes) {
    std::size_t i = 0;
    if (odd_ && !bytes.empty()) {
        sum_ += bytes[0];
        odd_ = false;
        i = 1;
    }
    for (; i + 1 < bytes.size(); i += 2) sum_ += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
    if (i < bytes.size()) {
        sum_ += static_cast<std::uint32_t>(bytes[i] << 8);
        odd_ = true;
    }
}

std::uint16_t InternetChecksum::value() const {
    std::uint64_t sum = sum_;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::uint16_t ipv4_transport_checksum(Ipv4Address source, Ipv4Address destination, std::uint8_t protocol,
                                      Bytes segment) {
    InternetChecksum checksum;
    checksum.add_u32(source.value);
    checksum.add_u32(destination.value);
    checksum.add_u16(protocol);
    checksum.add_u32(static_cast<std::uint32_t>(segment.size()));
    checksum.add(segment);
    return checksum.value();
}

}  // namespace emu::wire
