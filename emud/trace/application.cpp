#include "emud/trace/application.hpp"

#include "emud/trace/dhcp_decoder.hpp"

namespace emu::trace {

ApplicationDecoders make_application_decoders() {
    ApplicationDecoders decoders;
    // Each protocol's issue adds its decoder here (DNS, HTTP, FTP, SMTP/POP3, RIP, OSPF to come).
    decoders.push_back(std::make_unique<DhcpDecoder>());
    return decoders;
}

}  // namespace emu::trace
