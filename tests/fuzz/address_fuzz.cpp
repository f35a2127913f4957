// libFuzzer: any bytes as an address, a prefix or a MAC. What parses must print back to
// text that parses to the same value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lib/wire/ip_address.hpp"
#include "lib/wire/mac_address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto prefix = emu::wire::IpPrefix::parse(text)) {
        auto again = emu::wire::IpPrefix::parse(prefix->to_string());
        if (!again || *again != *prefix) std::abort();
        auto network = prefix->network();
        if (!network.contains(prefix->address) || !network.is_network_address()) std::abort();
    }
    if (auto address = emu::wire::IpAddress::parse(text)) {
        auto again = emu::wire::IpAddress::parse(address->to_string());
        if (!again || *again != *address) std::abort();
    }
    if (auto mac = emu::wire::MacAddress::parse(text)) {
        auto again = emu::wire::MacAddress::parse(mac->to_string());
        if (!again || *again != *mac) std::abort();
    }
    return 0;
}
