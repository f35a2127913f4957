#include "lib/net/interface_addresses.hpp"

#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include <cstring>
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

using Socket = std::unique_ptr<nl_sock, SocketDeleter>;

Socket connect_route_socket() {
    Socket socket(nl_socket_alloc());
    if (!socket || nl_connect(socket.get(), NETLINK_ROUTE) < 0) throw std::runtime_error("cannot open a netlink socket");
    return socket;
}

}  // namespace

std::vector<InterfaceAddress> ipv4_interface_addresses() {
    auto socket = connect_route_socket();
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

std::optional<InterfaceLink> interface_link(const std::string& name) {
    auto socket = connect_route_socket();
    rtnl_link* raw = nullptr;
    if (rtnl_link_get_kernel(socket.get(), 0, name.c_str(), &raw) < 0 || raw == nullptr) return std::nullopt;
    std::unique_ptr<rtnl_link, void (*)(rtnl_link*)> link(raw, rtnl_link_put);
    InterfaceLink result;
    result.ifindex = rtnl_link_get_ifindex(link.get());
    result.mtu = static_cast<int>(rtnl_link_get_mtu(link.get()));
    if (auto* address = rtnl_link_get_addr(link.get()); address != nullptr && nl_addr_get_len(address) == 6) {
        std::memcpy(result.mac.bytes.data(), nl_addr_get_binary_addr(address), 6);
    }
    return result;
}

}  // namespace emu::net
