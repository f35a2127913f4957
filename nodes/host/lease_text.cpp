#include "nodes/host/lease_text.hpp"

#include <fmt/format.h>

namespace emu::host {
namespace {

std::string joined(const std::vector<wire::Ipv4Address>& addresses) {
    std::string text;
    for (const auto& address : addresses) text += (text.empty() ? "" : " ") + address.to_string();
    return text.empty() ? "-" : text;
}

}  // namespace

std::string lease_text(const std::string& interface, const DhcpLease& lease) {
    std::string text;
    text += fmt::format("interface  {}\n", interface);
    text += fmt::format("address    {}/{}\n", lease.address.to_string(), lease.prefix_length);
    text += fmt::format("server     {}\n", lease.server.to_string());
    text += fmt::format("routers    {}\n", joined(lease.routers));
    text += fmt::format("dns        {}\n", joined(lease.dns_servers));
    text += fmt::format("domain     {}\n", lease.domain.empty() ? "-" : lease.domain);
    if (lease.infinite()) {
        text += "lease      infinite\n";
    } else {
        text += fmt::format("lease      {} s (renew after {} s, rebind after {} s)\n", lease.lease_seconds,
                            lease.renew_seconds, lease.rebind_seconds);
    }
    return text;
}

}  // namespace emu::host
