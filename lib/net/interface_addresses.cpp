#include "lib/net/interface_addresses.hpp"

#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include <memory>
#include <stdexcept>

namespace emu::net {
namespace {

struct SocketDeleter {
    void operator()(nl_sock* socket) const { nl_socket_free(socket); }
};
struct CacheDeleter {
    void operator()(nl_cache* cache) const { nl_cache_free(cache); }
};

}  // namespace

std::vector<InterfaceAddress> ipv4_interface_addresses() {
    std::unique_ptr<nl_sock, SocketDeleter> socket(nl_socket_alloc());
    if (!socket || nl_connect(socket.get(), NETLINK_ROUTE) < 0) throw std::runtime_error("cannot open a netlink socket");
    nl_cache* raw = nullptr;
    if (rtnl_link_alloc_cache(socket.get(), AF_UNSPEC, &raw) < 0) throw std::runtime_error("cannot read the links");
    std::unique_ptr<nl_cache, CacheDeleter> links(raw);
    if (rtnl_addr_alloc_cache(socket.get(), &raw) < 0) throw std::runtime_error("cannot read the addresses");
    std::unique_ptr<nl_cache, CacheDeleter> addresses(raw);

    std::vector<InterfaceAddress> result;
    for (auto* object = nl_cache_get_first(addresses.get()); object != nullptr; object = nl_cache_get_next(object)) {
        auto* address = reinterpret_cast<rtnl_addr*>(object);  // libnl's object model: every cache entry is one
        if (rtnl_addr_get_family(address) != AF_INET) continue;
        auto* local = rtnl_addr_get_local(address);
        if (local == nullptr || nl_addr_get_len(local) != 4) continue;
        const auto* bytes = static_cast<const std::uint8_t*>(nl_addr_get_binary_addr(local));
        InterfaceAddress entry;
        entry.ifindex = rtnl_addr_get_ifindex(address);
        entry.address.value = std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
                              std::uint32_t{bytes[2]} << 8 | bytes[3];
        entry.prefix_length = rtnl_addr_get_prefixlen(address);
        char name[64] = {};
        if (rtnl_link_i2name(links.get(), entry.ifindex, name, sizeof name) != nullptr) entry.interface = name;
        result.push_back(std::move(entry));
    }
    return result;
}

}  // namespace emu::net
