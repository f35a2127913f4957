#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "lib/net/asio.hpp"
#include "lib/net/ip_protocol_socket.hpp"
#include "lib/net/link_monitor.hpp"
#include "lib/net/netlink.hpp"
#include "lib/net/udp_socket.hpp"
#include "nodes/router/ospf_engine.hpp"
#include "nodes/router/rib.hpp"
#include "nodes/router/rip_engine.hpp"
#include "nodes/router/router_config.hpp"

namespace emu::router {

/// emu-router's I/O around its engines: for RIP one UDP socket on port 520 joined to
/// 224.0.0.9 on each RIP interface; for OSPF one raw socket for IP protocol 89 joined to
/// 224.0.0.5 and 224.0.0.6; one timer set to the engines' next deadline; the kernel's link
/// news (an interface down or without carrier is down for both protocols at once, and its
/// network and the static routes by it leave the RIB); and the RIB, whose winners go to the kernel's
/// table through netlink as `proto rip` or `proto ospf` routes, with several next hops when
/// OSPF found paths of equal cost.
class RouterLoop {
public:
    /// `interfaces`: all the router's (their networks are the connected routes);
    /// `static_routes`: those emud put in the kernel, for the RIB to weigh. Either engine may
    /// be missing: a router runs RIP, OSPF or both.
    RouterLoop(asio::io_context& io, const std::vector<RouterInterface>& interfaces,
               const std::vector<StaticRouteConfig>& static_routes, RipEngine* rip, OspfEngine* ospf, Rib& rib,
               net::NetlinkSocket& netlink);

    /// Starts the engines and runs until the io_context stops.
    asio::awaitable<void> run();

    std::uint64_t malformed() const { return malformed_; }

private:
    asio::awaitable<void> receive_rip();
    asio::awaitable<void> receive_ospf();
    asio::awaitable<void> watch_links();
    /// An interface that became usable or stopped being so: for both protocols.
    void link_changed(const std::string& name, bool usable);
    /// Sends what the engines asked for, logs their events and brings the kernel up to date.
    void flush();
    void apply(const FibChange& change);
    Clock::time_point next_deadline() const;
    bool runs_rip(const std::string& interface) const;

    std::vector<RouterInterface> interfaces_;
    std::vector<StaticRouteConfig> static_routes_;
    std::set<std::string> usable_;
    bool started_ = false;
    asio::io_context& io_;
    RipEngine* rip_;
    OspfEngine* ospf_;
    Rib& rib_;
    net::NetlinkSocket& netlink_;
    std::unique_ptr<net::InterfaceUdpSocket> rip_socket_;
    std::unique_ptr<net::IpProtocolSocket> ospf_socket_;
    net::LinkMonitor links_;
    asio::steady_timer timer_;
    std::map<std::string, int> ifindex_by_name_;
    std::map<int, std::string> name_by_ifindex_;
    std::uint64_t malformed_ = 0;
};

}  // namespace emu::router
