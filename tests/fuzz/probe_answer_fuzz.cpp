// libFuzzer: any bytes as a datagram from ping's and traceroute's raw ICMP socket, read as
// an answer to each kind of probe (the identities of the golden frames' probes, so that the
// seeds reach past the matching). An answer read must be consistent with what was asked:
// an echo reply only to an echo probe, no more ICMP bytes than arrived; describing it and
// marking it never fail.
#include <cstdint>
#include <cstdlib>

#include "nodes/host/icmp_probe.hpp"

using namespace emu;
using namespace emu::host;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes datagram(data, size);
    const wire::Ipv4Address destination{0x0a00030a};  // 10.0.3.10
    for (const ProbeIdentity& probe : {ProbeIdentity{ProbeProtocol::icmp_echo, destination, 0x67ba, 56},
                                       ProbeIdentity{ProbeProtocol::icmp_echo, destination, 0x67bb, 56},
                                       ProbeIdentity{ProbeProtocol::udp, destination, 0xc249, 0}}) {
        auto answer = read_probe_answer(datagram, probe);
        if (!answer) continue;
        if (answer->is_echo_reply() && probe.protocol != ProbeProtocol::icmp_echo) std::abort();
        if (answer->icmp_size + 20 > size) std::abort();
        if (describe_icmp_error(*answer).empty()) std::abort();
        (void)traceroute_annotation(*answer, probe.protocol);
    }
    return 0;
}
