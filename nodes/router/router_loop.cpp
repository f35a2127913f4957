#include "nodes/router/router_loop.hpp"

#include <net/if.h>

#include <algorithm>
#include <cerrno>

#include <spdlog/spdlog.h>

#include "lib/net/route_requests.hpp"

namespace emu::router {
namespace {

// Linux's rtnetlink.h: `ip route` shows these as `proto rip` and `proto ospf`.
constexpr std::uint8_t kProtocolRip = 189;
constexpr std::uint8_t kProtocolOspf = 188;
// The kernel metric of every route a routing protocol installs (FRR's zebra uses 20 too):
// the protocol's own metric stays in the RIB, where `emu-router show routes` shows it.
constexpr std::uint32_t kKernelMetric = 20;

std::uint8_t kernel_protocol(RouteSource source) { return source == RouteSource::ospf ? kProtocolOspf : kProtocolRip; }

std::string next_hops_text(const RibRoute& route) {
    std::string text;
    for (const auto& hop : route.next_hops) {
        text += (text.empty() ? "" : ", ") + hop.gateway.to_string() + " " + hop.interface;
    }
    return text;
}

}  // namespace

RouterLoop::RouterLoop(asio::io_context& io, const std::vector<RouterInterface>& interfaces,
                       const std::vector<StaticRouteConfig>& static_routes, RipEngine* rip, OspfEngine* ospf, Rib& rib,
                       net::NetlinkSocket& netlink)
    : interfaces_(interfaces),
      static_routes_(static_routes),
      io_(io), rip_(rip), ospf_(ospf), rib_(rib), netlink_(netlink), links_(io), timer_(io) {
    for (const auto& interface : interfaces_) {
        const int ifindex = static_cast<int>(::if_nametoindex(interface.name.c_str()));
        if (ifindex == 0) throw std::runtime_error("no interface " + interface.name);
        ifindex_by_name_[interface.name] = ifindex;
        name_by_ifindex_[ifindex] = interface.name;
    }
    if (rip_ != nullptr) {
        rip_socket_ = std::make_unique<net::InterfaceUdpSocket>(io, wire::RipMessage::kPort);
        for (const auto& interface : rip_->config().interfaces) {
            if (!ifindex_by_name_.contains(interface.name)) throw std::runtime_error("no interface " + interface.name);
            if (!interface.passive) {
                rip_socket_->join_multicast(wire::RipMessage::kMulticastGroup, ifindex_by_name_.at(interface.name));
            }
        }
    }
    if (ospf_ != nullptr) {
        ospf_socket_ = std::make_unique<net::IpProtocolSocket>(io, wire::OspfPacket::kIpProtocol);
        for (const auto& interface : ospf_->config().interfaces) {
            if (!ifindex_by_name_.contains(interface.name)) throw std::runtime_error("no interface " + interface.name);
            if (interface.passive) continue;
            // AllDRouters too: the engine drops what reaches it there unless it is DR or BDR (§8.2).
            ospf_socket_->join_multicast(wire::OspfPacket::kAllSpfRouters, ifindex_by_name_.at(interface.name));
            ospf_socket_->join_multicast(wire::OspfPacket::kAllDesignatedRouters, ifindex_by_name_.at(interface.name));
        }
    }
}

bool RouterLoop::runs_rip(const std::string& interface) const {
    if (rip_ == nullptr) return false;
    const auto& rip = rip_->config().interfaces;
    return std::any_of(rip.begin(), rip.end(), [&](const auto& config) { return config.name == interface; });
}

Clock::time_point RouterLoop::next_deadline() const {
    auto next = Clock::time_point::max();
    if (rip_ != nullptr) next = std::min(next, rip_->next_deadline());
    if (ospf_ != nullptr) next = std::min(next, ospf_->next_deadline());
    return next;
}

asio::awaitable<void> RouterLoop::run() {
    for (const auto& interface : interfaces_) {
        auto state = net::link_state(interface.name);
        if (state && state->usable()) link_changed(interface.name, true);
    }
    started_ = true;
    if (rip_ != nullptr) rip_->start(Clock::now());
    flush();
    // A socket that fails ends the program (non-zero: the lab restarts it), not just its reading.
    auto rethrow = [](std::exception_ptr failure) {
        if (failure) std::rethrow_exception(failure);
    };
    if (rip_ != nullptr) asio::co_spawn(io_, receive_rip(), rethrow);
    if (ospf_ != nullptr) asio::co_spawn(io_, receive_ospf(), rethrow);
    asio::co_spawn(io_, watch_links(), rethrow);
    for (;;) {
        timer_.expires_at(next_deadline());
        boost::system::error_code cancelled;  // a message came in: the deadline may be sooner
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
        const auto now = Clock::now();
        if (rip_ != nullptr) rip_->advance(now);
        if (ospf_ != nullptr) ospf_->advance(now);
        flush();
    }
}

asio::awaitable<void> RouterLoop::receive_rip() {
    for (;;) {
        auto datagram = co_await rip_socket_->receive();
        auto interface = name_by_ifindex_.find(datagram.ifindex);
        if (interface == name_by_ifindex_.end() || !runs_rip(interface->second)) continue;
        auto message = wire::parse_rip(datagram.bytes);
        if (!message) {
            ++malformed_;
            spdlog::warn("rip.malformed from={} interface={}: {}", datagram.source.to_string(), interface->second,
                         message.error().to_string());
            continue;
        }
        rip_->receive(interface->second, datagram.source, datagram.source_port, *message, Clock::now());
        flush();
        timer_.cancel();
    }
}

asio::awaitable<void> RouterLoop::receive_ospf() {
    for (;;) {
        auto packet = co_await ospf_socket_->receive();
        auto interface = name_by_ifindex_.find(packet.ifindex);
        if (interface == name_by_ifindex_.end()) continue;
        auto parsed = wire::parse_ospf(packet.payload);
        if (!parsed) {
            ++malformed_;
            spdlog::warn("ospf.malformed from={} interface={}: {}", packet.source.to_string(), interface->second,
                         parsed.error().to_string());
            continue;
        }
        ospf_->receive(interface->second, packet.source, packet.destination, *parsed, Clock::now());
        flush();
        timer_.cancel();
    }
}

asio::awaitable<void> RouterLoop::watch_links() {
    for (;;) {
        auto states = co_await links_.next();
        if (links_.overflowed()) {  // news was lost: ask for each interface's state
            for (const auto& [name, ifindex] : ifindex_by_name_) {
                auto state = net::link_state(name);
                link_changed(name, state && state->usable());
            }
        }
        for (const auto& state : states) {
            auto interface = name_by_ifindex_.find(state.ifindex);
            if (interface != name_by_ifindex_.end()) link_changed(interface->second, state.usable());
        }
        flush();
        timer_.cancel();
    }
}

void RouterLoop::link_changed(const std::string& name, bool usable) {
    if (usable == usable_.contains(name)) return;
    if (usable) {
        usable_.insert(name);
    } else {
        usable_.erase(name);
    }
    // At start every interface comes up here; only a change later is news for the log.
    if (started_) spdlog::info("router.link_{} {}", usable ? "up" : "down", name);
    // The kernel keeps connected networks itself; the RIB knows them so that they win, and so
    // that `emu-router show routes` lists them as routers do.
    std::vector<RibRoute> connected;
    for (const auto& interface : interfaces_) {
        if (!usable_.contains(interface.name)) continue;
        connected.push_back(RibRoute{interface.address.network(), RouteSource::connected, 0,
                                     {{wire::Ipv4Address{}, interface.name}}});
    }
    for (const auto& change : rib_.set_routes(RouteSource::connected, connected)) apply(change);
    // A static route wins over the protocols' (distance 1); while its interface is down it is
    // not offered, and what the protocols know of its destination may take its place.
    for (const auto& change :
         rib_.set_routes(RouteSource::static_route, usable_static_routes(static_routes_, interfaces_, usable_))) {
        apply(change);
    }
    const auto now = Clock::now();
    if (runs_rip(name) && usable != rip_->interface_is_up(name)) {
        if (usable) {
            rip_->interface_up(name, now);
        } else {
            rip_->interface_down(name, now);
        }
    }
    if (ospf_ != nullptr) {
        if (usable) {
            ospf_->interface_up(name, now);
        } else {
            ospf_->interface_down(name, now);
        }
    }
}

void RouterLoop::flush() {
    if (rip_ != nullptr) {
        for (const auto& send : rip_->take_sends()) {
            std::vector<std::uint8_t> bytes;
            wire::Writer out(bytes);
            wire::write_rip(out, send.message);
            if (!rip_socket_->send(bytes, send.destination, send.port, ifindex_by_name_.at(send.interface))) {
                spdlog::warn("rip.send_failed to={} interface={}", send.destination.to_string(), send.interface);
            }
        }
        for (const auto& event : rip_->take_events()) spdlog::info("{} {}", event.name, event.text);
    }
    if (ospf_ != nullptr) {
        for (const auto& send : ospf_->take_sends()) {
            std::vector<std::uint8_t> bytes;
            wire::Writer out(bytes);
            wire::write_ospf(out, send.packet);
            if (!ospf_socket_->send(bytes, send.destination, ifindex_by_name_.at(send.interface))) {
                spdlog::warn("ospf.send_failed to={} interface={}", send.destination.to_string(), send.interface);
            }
        }
        for (const auto& event : ospf_->take_events()) spdlog::info("{} {}", event.name, event.text);
    }
    if (rip_ != nullptr) {
        std::vector<RibRoute> routes;
        for (const auto& entry : rip_->usable_learned_routes()) {
            routes.push_back(RibRoute{entry.destination, RouteSource::rip, entry.metric, {{entry.next_hop, entry.interface}}});
        }
        for (const auto& change : rib_.set_routes(RouteSource::rip, routes)) apply(change);
    }
    if (ospf_ != nullptr && ospf_->take_routes_changed()) {
        std::vector<RibRoute> routes;
        for (const auto& route : ospf_->routes()) {
            if (route.connected || route.next_hops.empty()) continue;
            RibRoute offered{route.destination, RouteSource::ospf, route.cost, {}};
            for (const auto& hop : route.next_hops) offered.next_hops.push_back({hop.gateway, hop.interface});
            routes.push_back(std::move(offered));
        }
        for (const auto& change : rib_.set_routes(RouteSource::ospf, routes)) apply(change);
    }
}

void RouterLoop::apply(const FibChange& change) {
    const auto destination = change.destination.to_ip_prefix();
    try {
        if (change.route) {
            const auto& route = *change.route;
            const auto protocol = kernel_protocol(route.source);
            if (route.next_hops.size() == 1) {
                netlink_.execute(net::route_replacement_request(destination, route.next_hops.front().gateway, kKernelMetric,
                                                                protocol, "route to " + change.destination.to_string()));
            } else {
                std::vector<net::RouteNextHop> hops;
                for (const auto& hop : route.next_hops) {
                    auto ifindex = ifindex_by_name_.find(hop.interface);
                    hops.push_back({hop.gateway, ifindex == ifindex_by_name_.end() ? 0 : ifindex->second});
                }
                netlink_.execute(net::multipath_route_replacement_request(destination, hops, kKernelMetric, protocol,
                                                                          "route to " + change.destination.to_string()));
            }
            spdlog::info("rib.installed {} via {} ({} metric {})", change.destination.to_string(), next_hops_text(route),
                         to_string(route.source), route.metric);
        } else if (change.previous) {
            netlink_.execute(net::route_removal_request(destination, kKernelMetric,
                                                        "route to " + change.destination.to_string()));
            spdlog::info("rib.removed {}", change.destination.to_string());
        }
    } catch (const net::NetlinkError& error) {
        // An interface taken down takes its routes out of the kernel itself: ours may be gone already.
        if (!change.route && error.error_number() == ESRCH) {
            spdlog::info("rib.removed {} (the kernel had already dropped it)", change.destination.to_string());
            return;
        }
        spdlog::warn("rib.kernel_refused {}: {}", change.destination.to_string(), error.what());
    }
}

}  // namespace emu::router
