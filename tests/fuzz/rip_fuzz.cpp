// libFuzzer: any bytes as a RIP message (a UDP payload). What parses must write out to the
// same bytes (the format has no slack: every field is kept) and parse again to the same message.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "lib/wire/rip.hpp"

using namespace emu::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto message = parse_rip(Bytes(data, size));
    if (!message) return 0;
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_rip(out, *message);
    // The must-be-zero field is not kept: compare around it.
    if (bytes.size() != size || !std::equal(bytes.begin(), bytes.begin() + 2, data) ||
        !std::equal(bytes.begin() + 4, bytes.end(), data + 4)) {
        std::abort();
    }
    auto again = parse_rip(bytes);
    if (!again || !(*again == *message)) std::abort();
    return 0;
}
