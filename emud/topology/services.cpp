#include "emud/topology/services.hpp"

#include <algorithm>

namespace emu::topology {

const std::vector<ServiceKind>& known_services() {
    // The node programs (DHCP, DNS, HTTP, FTP, mail, routing) add their entries here as they
    // land; until then every `services:` entry is refused with a clear message.
    static const std::vector<ServiceKind> kServices{};
    return kServices;
}

const ServiceKind* find_service(std::string_view name) {
    const auto& services = known_services();
    auto it = std::find_if(services.begin(), services.end(), [&](const ServiceKind& s) { return s.name == name; });
    return it == services.end() ? nullptr : &*it;
}

}  // namespace emu::topology
