#include "emud/trace/application.hpp"

namespace emu::trace {

ApplicationDecoders make_application_decoders() {
    ApplicationDecoders decoders;
    // Each protocol's issue adds its decoder here (DHCP, DNS, HTTP, FTP, SMTP/POP3, RIP, OSPF).
    return decoders;
}

}  // namespace emu::trace
