// libFuzzer: any bytes as an IGMP message (an IP payload of protocol 2). What parses must
// write out to the same bytes (every field is kept, additional data too; only the checksum is
// recomputed) and parse again to the same message, with a checksum that holds.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "lib/wire/igmp.hpp"

using namespace emu::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto message = parse_igmp(Bytes(data, size));
    if (!message) return 0;
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_igmp(out, *message);
    // The checksum may differ from the input's: a wrong one is mended, and a right one may be
    // the other zero of ones' complement.
    if (bytes.size() != size || !std::equal(bytes.begin(), bytes.begin() + 2, data) ||
        !std::equal(bytes.begin() + 4, bytes.end(), data + 4)) {
        std::abort();
    }
    auto again = parse_igmp(bytes);
    if (!again || !again->checksum_valid) std::abort();
    again->checksum = message->checksum;
    again->checksum_valid = message->checksum_valid;
    if (!(*again == *message)) std::abort();
    return 0;
}
