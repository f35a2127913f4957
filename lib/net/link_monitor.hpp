#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/net/asio.hpp"

struct nl_sock;

namespace emu::net {

/// What the kernel said of one interface: whether it is up (administratively, IFF_UP) and
/// has its carrier (IFF_RUNNING: the far end of a veth is up, a cable is in).
struct LinkState {
    int ifindex = 0;
    std::string name;
    bool administratively_up = false;
    bool carrier = false;
    bool removed = false;  ///< RTM_DELLINK: the interface is gone

    /// Usable: up with a carrier, and still there.
    bool usable() const { return administratively_up && carrier && !removed; }
};

/// The kernel's news of the calling thread's network namespace's interfaces: a NETLINK_ROUTE
/// socket in the RTNLGRP_LINK group, each message read with libnl.
class LinkMonitor {
public:
    /// Throws std::runtime_error when the socket cannot be made.
    explicit LinkMonitor(asio::io_context& io);
    ~LinkMonitor();
    LinkMonitor(const LinkMonitor&) = delete;
    LinkMonitor& operator=(const LinkMonitor&) = delete;

    /// Waits for the kernel's next news and returns the interfaces it was about, in order.
    /// When the kernel dropped news (the socket's buffer overflowed), the result is empty and
    /// `overflowed()` is true: the caller reads every interface's state afresh.
    asio::awaitable<std::vector<LinkState>> next();
    bool overflowed() const { return overflowed_; }

private:
    struct SocketDeleter {
        void operator()(nl_sock* socket) const;
    };
    std::unique_ptr<nl_sock, SocketDeleter> socket_;
    asio::posix::stream_descriptor descriptor_;
    std::vector<unsigned char> buffer_;
    bool overflowed_ = false;
};

/// The state of the interface called `name` now (RTM_GETLINK); nullopt when there is none.
/// Throws std::runtime_error when netlink cannot be read.
std::optional<LinkState> link_state(const std::string& name);

}  // namespace emu::net
