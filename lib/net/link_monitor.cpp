#include "lib/net/link_monitor.hpp"

#include <net/if.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace emu::net {
namespace {

LinkState state_of(const ifinfomsg& header, const char* name, bool removed) {
    LinkState state;
    state.ifindex = header.ifi_index;
    if (name != nullptr) state.name = name;
    state.administratively_up = (header.ifi_flags & IFF_UP) != 0;
    state.carrier = (header.ifi_flags & IFF_RUNNING) != 0;
    state.removed = removed;
    return state;
}

}  // namespace

void LinkMonitor::SocketDeleter::operator()(nl_sock* socket) const { nl_socket_free(socket); }

LinkMonitor::LinkMonitor(asio::io_context& io) : socket_(nl_socket_alloc()), descriptor_(io), buffer_(64 * 1024) {
    if (!socket_) throw std::runtime_error("netlink: out of memory");
    nl_socket_disable_seq_check(socket_.get());
    if (int error = nl_connect(socket_.get(), NETLINK_ROUTE); error < 0) {
        throw std::runtime_error(std::string("netlink: cannot open a route socket: ") + nl_geterror(error));
    }
    if (int error = nl_socket_add_membership(socket_.get(), RTNLGRP_LINK); error < 0) {
        throw std::runtime_error(std::string("netlink: cannot hear of links: ") + nl_geterror(error));
    }
    nl_socket_set_nonblocking(socket_.get());
    // The descriptor stays the libnl socket's: the stream_descriptor only waits on it.
    descriptor_.assign(::dup(nl_socket_get_fd(socket_.get())));
}

LinkMonitor::~LinkMonitor() = default;

asio::awaitable<std::vector<LinkState>> LinkMonitor::next() {
    overflowed_ = false;
    for (;;) {
        const ssize_t received = ::recv(nl_socket_get_fd(socket_.get()), buffer_.data(), buffer_.size(), MSG_DONTWAIT);
        if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            co_await descriptor_.async_wait(asio::posix::stream_descriptor::wait_read, asio::use_awaitable);
            continue;
        }
        if (received < 0 && errno == ENOBUFS) {  // the kernel dropped messages for us
            overflowed_ = true;
            co_return std::vector<LinkState>{};
        }
        if (received < 0) throw std::runtime_error(std::string("netlink: reading link news: ") + std::strerror(errno));
        std::vector<LinkState> states;
        int remaining = static_cast<int>(received);
        for (auto* header = reinterpret_cast<nlmsghdr*>(buffer_.data()); nlmsg_ok(header, remaining);
             header = nlmsg_next(header, &remaining)) {
            if (header->nlmsg_type != RTM_NEWLINK && header->nlmsg_type != RTM_DELLINK) continue;
            nlattr* attributes[IFLA_MAX + 1] = {};
            // libnl checks the header's and each attribute's length against the message.
            if (nlmsg_parse(header, sizeof(ifinfomsg), attributes, IFLA_MAX, nullptr) < 0) continue;
            ifinfomsg info{};
            std::memcpy(&info, nlmsg_data(header), sizeof info);
            const char* name = attributes[IFLA_IFNAME] != nullptr ? nla_get_string(attributes[IFLA_IFNAME]) : nullptr;
            states.push_back(state_of(info, name, header->nlmsg_type == RTM_DELLINK));
        }
        co_return states;
    }
}

std::optional<LinkState> link_state(const std::string& name) {
    std::unique_ptr<nl_sock, void (*)(nl_sock*)> socket(nl_socket_alloc(), nl_socket_free);
    if (!socket || nl_connect(socket.get(), NETLINK_ROUTE) < 0) throw std::runtime_error("netlink: cannot open a route socket");
    rtnl_link* raw = nullptr;
    if (rtnl_link_get_kernel(socket.get(), 0, name.c_str(), &raw) < 0 || raw == nullptr) return std::nullopt;
    std::unique_ptr<rtnl_link, void (*)(rtnl_link*)> link(raw, rtnl_link_put);
    LinkState state;
    state.ifindex = rtnl_link_get_ifindex(link.get());
    state.name = name;
    const auto flags = rtnl_link_get_flags(link.get());
    state.administratively_up = (flags & IFF_UP) != 0;
    state.carrier = (flags & IFF_RUNNING) != 0;
    return state;
}

}  // namespace emu::net
