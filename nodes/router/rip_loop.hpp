#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "lib/net/asio.hpp"
#include "lib/net/link_monitor.hpp"
#include "lib/net/netlink.hpp"
#include "lib/net/udp_socket.hpp"
#include "nodes/router/rib.hpp"
#include "nodes/router/rip_engine.hpp"
#include "nodes/router/router_config.hpp"

namespace emu::router {

/// RIP's I/O: the engine behind one UDP socket on port 520 that has joined 224.0.0.9 on each
/// RIP interface, a timer set to the engine's next deadline, the kernel's link news (an
/// interface down or without carrier is down for RIP at once, and its network leaves the
/// RIB's connected routes), and the RIB, whose changes go to the kernel's table through
/// netlink as `proto rip` routes.
class RipLoop {
public:
    /// `interfaces`: all the router's, RIP's or not (their networks are the connected routes).
    RipLoop(asio::io_context& io, const std::vector<RouterInterface>& interfaces, RipEngine& engine, Rib& rib,
            net::NetlinkSocket& netlink);

    /// Starts the engine and runs until the io_context stops.
    asio::awaitable<void> run();

    std::uint64_t malformed() const { return malformed_; }

private:
    asio::awaitable<void> receive_loop();
    asio::awaitable<void> watch_links();
    /// Tells the engine of an interface that became usable or stopped being so.
    void link_changed(const std::string& name, bool usable);
    /// Sends what the engine asked for, logs its events and brings the kernel up to date.
    void flush();
    void apply(const FibChange& change);
    bool runs_rip(const std::string& interface) const;

    std::vector<RouterInterface> interfaces_;
    /// The interfaces that are up with a carrier: their networks are connected routes.
    std::set<std::string> usable_;
    bool started_ = false;
    asio::io_context& io_;
    RipEngine& engine_;
    Rib& rib_;
    net::NetlinkSocket& netlink_;
    net::InterfaceUdpSocket socket_;
    net::LinkMonitor links_;
    asio::steady_timer timer_;
    std::map<std::string, int> ifindex_by_name_;
    std::map<int, std::string> name_by_ifindex_;
    std::uint64_t malformed_ = 0;
};

}  // namespace emu::router
