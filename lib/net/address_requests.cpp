#include "lib/net/address_requests.hpp"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

namespace emu::net {
namespace {

ifaddrmsg address_header(int ifindex, const wire::IpPrefix& address) {
    ifaddrmsg header{};
    header.ifa_family = address.address.is_v4() ? AF_INET : AF_INET6;
    header.ifa_prefixlen = static_cast<unsigned char>(address.length);
    header.ifa_scope = RT_SCOPE_UNIVERSE;
    header.ifa_index = static_cast<std::uint32_t>(ifindex);
    return header;
}

void put_ipv4(MessageBuilder& message, const wire::IpPrefix& address) {
    auto bytes = address.address.v4().bytes();
    message.put(IFA_LOCAL, bytes.data(), bytes.size());
    message.put(IFA_ADDRESS, bytes.data(), bytes.size());
    if (address.length < 31) {
        auto broadcast = address.broadcast().bytes();
        message.put(IFA_BROADCAST, broadcast.data(), broadcast.size());
    }
}

}  // namespace

NetlinkRequest address_request(int ifindex, const wire::IpPrefix& address, std::string what) {
    MessageBuilder message(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    message.header(address_header(ifindex, address));
    if (address.address.is_v4()) {
        put_ipv4(message, address);
    } else {
        const auto& bytes = address.address.v6().bytes;
        message.put(IFA_LOCAL, bytes.data(), bytes.size());
        message.put(IFA_ADDRESS, bytes.data(), bytes.size());
        message.put_u32(IFA_FLAGS, IFA_F_NODAD);
    }
    return {message.take(), std::move(what)};
}

NetlinkRequest leased_address_request(int ifindex, const wire::IpPrefix& address, std::uint32_t lifetime_seconds,
                                      std::string what) {
    MessageBuilder message(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
    message.header(address_header(ifindex, address));
    put_ipv4(message, address);
    ifa_cacheinfo lifetime{};
    lifetime.ifa_valid = lifetime_seconds;
    lifetime.ifa_prefered = lifetime_seconds;
    message.put(IFA_CACHEINFO, &lifetime, sizeof lifetime);
    return {message.take(), std::move(what)};
}

NetlinkRequest address_removal_request(int ifindex, const wire::IpPrefix& address, std::string what) {
    MessageBuilder message(RTM_DELADDR, 0);
    message.header(address_header(ifindex, address));
    if (address.address.is_v4()) {
        auto bytes = address.address.v4().bytes();
        message.put(IFA_LOCAL, bytes.data(), bytes.size());
    } else {
        message.put(IFA_LOCAL, address.address.v6().bytes.data(), address.address.v6().bytes.size());
    }
    return {message.take(), std::move(what)};
}

}  // namespace emu::net
