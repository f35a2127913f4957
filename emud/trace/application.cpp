#include "emud/trace/application.hpp"

#include "emud/trace/dhcp_decoder.hpp"
#include "emud/trace/dns_decoder.hpp"
#include "emud/trace/http_decoder.hpp"
#include "emud/trace/rip_decoder.hpp"

namespace emu::trace {

ApplicationDecoders make_application_decoders() {
    ApplicationDecoders decoders;
    // Each protocol's issue adds its decoder here (FTP, SMTP/POP3 to come; OSPF is not over
    // UDP or TCP and is decoded with the IP layers).
    decoders.push_back(std::make_unique<DhcpDecoder>());
    decoders.push_back(std::make_unique<DnsDecoder>());
    decoders.push_back(std::make_unique<HttpDecoder>());
    decoders.push_back(std::make_unique<RipDecoder>());
    return decoders;
}

}  // namespace emu::trace
