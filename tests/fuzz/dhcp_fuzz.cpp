// libFuzzer: any bytes as a DHCP message (a UDP payload). What parses must write out and
// parse again to the same message, and its relay agent information, if any, must too.
#include <cstdint>
#include <cstdlib>

#include "lib/wire/dhcp.hpp"

using namespace emu::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto message = parse_dhcp(Bytes(data, size));
    if (!message) return 0;
    // With and without a size limit: the overload path must keep every option too.
    for (std::size_t limit : {std::size_t{0}, DhcpMessage::kDefaultMaximumSize}) {
        std::vector<std::uint8_t> bytes;
        Writer out(bytes);
        write_dhcp(out, *message, limit);
        auto again = parse_dhcp(bytes);
        if (!again) std::abort();
        auto expected = *message;
        if (bytes[240] == dhcp_option::kOverload) {
            // The writer put options in file and sname: those fields held no names then.
            expected.server_name = again->server_name;
            expected.boot_file = again->boot_file;
        }
        if (!(*again == expected)) std::abort();
    }
    if (const auto* relay = message->find(dhcp_option::kRelayAgentInformation)) {
        if (auto suboptions = parse_relay_agent_information(relay->data)) {
            if (make_relay_agent_information(*suboptions) != relay->data) std::abort();
        }
    }
    return 0;
}
