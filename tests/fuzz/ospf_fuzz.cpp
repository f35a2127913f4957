// libFuzzer: any bytes as an OSPFv2 packet (an IP payload of protocol 89). What parses must
// write out to the same bytes (every field is kept; only the checksum is recomputed, and a
// cryptographic digest after the packet is not kept) and parse again to the same packet.
// The trace describes every input (each LSA body's fields and words, authentication), and
// the input that does not parse as a malformed layer.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "emud/trace/ospf_describe.hpp"
#include "lib/wire/ospf.hpp"

using namespace emu::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto layer = emu::trace::ospf_layer(Bytes(data, size));
    auto packet = parse_ospf(Bytes(data, size));
    if ((layer.protocol == "OSPF") != packet.has_value()) std::abort();
    if (!packet) return 0;
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_ospf(out, *packet);
    // The packet's own length; what follows it (a digest) is not written. The checksum may
    // differ only as +0 and -0 of ones' complement, both of which check.
    const std::size_t length = static_cast<std::size_t>(data[2]) << 8 | data[3];
    if (bytes.size() != length || !std::equal(bytes.begin(), bytes.begin() + 12, data) ||
        !std::equal(bytes.begin() + 14, bytes.end(), data + 14)) {
        std::abort();
    }
    bytes.insert(bytes.end(), data + length, data + size);  // the digest, which must be there
    auto again = parse_ospf(bytes);
    if (!again) std::abort();
    again->checksum = packet->checksum;
    if (!(*again == *packet)) std::abort();
    return 0;
}
