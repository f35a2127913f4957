// libFuzzer: any bytes as the text of a zone (RFC 1035 §5.1). What parses must write out,
// record by record, as zone lines that read back to the same records.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lib/wire/dns_zone.hpp"

using namespace emu::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto origin = DnsName::parse("example.com");
    auto records = parse_zone_text(std::string_view(reinterpret_cast<const char*>(data), size), *origin);
    if (!records) return 0;
    std::string text;
    for (const auto& record : *records) text += zone_line(record) + "\n";
    auto again = parse_zone_text(text, *origin);
    if (!again || !(*again == *records)) std::abort();
    return 0;
}
