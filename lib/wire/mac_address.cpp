#include "lib/wire/mac_address.hpp"

namespace emu::wire {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

tl::expected<MacAddress, std::string> MacAddress::parse(std::string_view text) {
    auto fail = [&] {
        return tl::unexpected("'" + std::string(text) + "' is not a MAC address (six hex octets, like 02:00:00:00:00:01)");
    };
    if (text.size() != 17) return fail();
    MacAddress result;
    for (std::size_t i = 0; i < 6; ++i) {
        int high = hex_value(text[i * 3]);
        int low = hex_value(text[i * 3 + 1]);
        if (high < 0 || low < 0 || (i < 5 && text[i * 3 + 2] != ':')) return fail();
        result.bytes[i] = static_cast<std::uint8_t>(high * 16 + low);
    }
    return result;
}

std::string MacAddress::to_string() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i > 0) out += ':';
        out += kDigits[bytes[i] >> 4];
        out += kDigits[bytes[i] & 0x0f];
    }
    return out;
}

}  // namespace emu::wire
