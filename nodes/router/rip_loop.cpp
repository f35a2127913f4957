#include "nodes/router/rip_loop.hpp"

#include <net/if.h>

#include <algorithm>
#include <cerrno>

#include <spdlog/spdlog.h>

#include "lib/net/route_requests.hpp"

namespace emu::router {
namespace {

// Linux's rtnetlink.h: `ip route` shows these as `proto rip` and `proto ospf`.
constexpr std::uint8_t kProtocolRip = 189;
// The kernel metric of every route a routing protocol installs (FRR's zebra uses 20 too):
// the protocol's own metric stays in the RIB, where `emu-router show routes` shows it.
constexpr std::uint32_t kKernelMetric = 20;

}  // namespace

RipLoop::RipLoop(asio::io_context& io, const std::vector<RouterInterface>& interfaces, RipEngine& engine, Rib& rib,
                 net::NetlinkSocket& netlink)
    : interfaces_(interfaces), io_(io), engine_(engine), rib_(rib), netlink_(netlink),
      socket_(io, wire::RipMessage::kPort), links_(io), timer_(io) {
    for (const auto& interface : interfaces_) {
        const int ifindex = static_cast<int>(::if_nametoindex(interface.name.c_str()));
        if (ifindex == 0) throw std::runtime_error("no interface " + interface.name);
        ifindex_by_name_[interface.name] = ifindex;
        name_by_ifindex_[ifindex] = interface.name;
    }
    for (const auto& interface : engine_.config().interfaces) {
        if (!ifindex_by_name_.contains(interface.name)) throw std::runtime_error("no interface " + interface.name);
        if (!interface.passive) {
            socket_.join_multicast(wire::RipMessage::kMulticastGroup, ifindex_by_name_.at(interface.name));
        }
    }
}

bool RipLoop::runs_rip(const std::string& interface) const {
    const auto& rip = engine_.config().interfaces;
    return std::any_of(rip.begin(), rip.end(), [&](const auto& config) { return config.name == interface; });
}

asio::awaitable<void> RipLoop::run() {
    for (const auto& interface : interfaces_) {
        auto state = net::link_state(interface.name);
        if (state && state->usable()) link_changed(interface.name, true);
    }
    started_ = true;
    engine_.start(Clock::now());
    flush();
    // A socket that fails ends the program (non-zero: the lab restarts it), not just its reading.
    auto rethrow = [](std::exception_ptr failure) {
        if (failure) std::rethrow_exception(failure);
    };
    asio::co_spawn(io_, receive_loop(), rethrow);
    asio::co_spawn(io_, watch_links(), rethrow);
    for (;;) {
        timer_.expires_at(engine_.next_deadline());
        boost::system::error_code cancelled;  // a message came in: the deadline may be sooner
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
        engine_.advance(Clock::now());
        flush();
    }
}

asio::awaitable<void> RipLoop::receive_loop() {
    for (;;) {
        auto datagram = co_await socket_.receive();
        auto interface = name_by_ifindex_.find(datagram.ifindex);
        if (interface == name_by_ifindex_.end() || !runs_rip(interface->second)) continue;
        auto message = wire::parse_rip(datagram.bytes);
        if (!message) {
            ++malformed_;
            spdlog::warn("rip.malformed from={} interface={}: {}", datagram.source.to_string(), interface->second,
                         message.error().to_string());
            continue;
        }
        engine_.receive(interface->second, datagram.source, datagram.source_port, *message, Clock::now());
        flush();
        timer_.cancel();
    }
}

asio::awaitable<void> RipLoop::watch_links() {
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

void RipLoop::link_changed(const std::string& name, bool usable) {
    if (usable == usable_.contains(name)) return;
    if (usable) {
        usable_.insert(name);
    } else {
        usable_.erase(name);
    }
    // At start every interface comes up here; only a change later is news for the log.
    if (started_) spdlog::info("router.link_{} {}", usable ? "up" : "down", name);
    if (runs_rip(name) && usable != engine_.interface_is_up(name)) {
        if (usable) {
            engine_.interface_up(name, Clock::now());
        } else {
            engine_.interface_down(name, Clock::now());
        }
    }
}

void RipLoop::flush() {
    for (const auto& send : engine_.take_sends()) {
        std::vector<std::uint8_t> bytes;
        wire::Writer out(bytes);
        wire::write_rip(out, send.message);
        if (!socket_.send(bytes, send.destination, send.port, ifindex_by_name_.at(send.interface))) {
            spdlog::warn("rip.send_failed to={} interface={}", send.destination.to_string(), send.interface);
        }
    }
    for (const auto& event : engine_.take_events()) spdlog::info("{} {}", event.name, event.text);
    // The kernel keeps connected networks itself; the RIB knows them so that they win, and so
    // that `emu-router show routes` lists them as routers do.
    std::vector<RibRoute> connected;
    for (const auto& interface : interfaces_) {
        if (!usable_.contains(interface.name)) continue;
        connected.push_back(RibRoute{interface.address.network(), RouteSource::connected, 0,
                                     {{wire::Ipv4Address{}, interface.name}}});
    }
    for (const auto& change : rib_.set_routes(RouteSource::connected, connected)) apply(change);
    std::vector<RibRoute> routes;
    for (const auto& entry : engine_.usable_learned_routes()) {
        routes.push_back(RibRoute{entry.destination, RouteSource::rip, entry.metric, {{entry.next_hop, entry.interface}}});
    }
    for (const auto& change : rib_.set_routes(RouteSource::rip, routes)) apply(change);
}

void RipLoop::apply(const FibChange& change) {
    const auto destination = change.destination.to_ip_prefix();
    try {
        if (change.route) {
            const auto& next_hop = change.route->next_hops.front();
            netlink_.execute(net::route_replacement_request(destination, next_hop.gateway, kKernelMetric, kProtocolRip,
                                                            "route to " + change.destination.to_string()));
            spdlog::info("rib.installed {} via {} {} ({} metric {})", change.destination.to_string(),
                         next_hop.gateway.to_string(), next_hop.interface, to_string(change.route->source),
                         change.route->metric);
        } else if (change.previous) {
            netlink_.execute(net::route_removal_request(destination, change.previous->next_hops.front().gateway,
                                                        kKernelMetric, "route to " + change.destination.to_string()));
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
