#include "nodes/host/dhcp_client_loop.hpp"

#include <cerrno>
#include <chrono>

#include <spdlog/spdlog.h>

#include "lib/net/address_requests.hpp"
#include "lib/net/route_requests.hpp"
#include "lib/wire/dhcp.hpp"
#include "nodes/host/remembered_lease.hpp"

namespace emu::host {
namespace {

// Linux's rtnetlink.h calls it RTPROT_DHCP: `ip route` shows `proto dhcp`.
constexpr std::uint8_t kProtocolDhcp = 16;
const wire::IpPrefix kDefaultRoute{wire::Ipv4Address{}, 0};

net::InterfaceLink find_link(const std::string& name) {
    auto link = net::interface_link(name);
    if (!link) throw std::runtime_error("there is no interface " + name);
    return *link;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

ClientTime steady_now() {
    return std::chrono::duration_cast<ClientTime>(std::chrono::steady_clock::now().time_since_epoch());
}

// A lease kept from before a restart: its address to ask for again. What it configured is
// taken away first; if the server confirms it, it comes back within the exchange.
std::optional<wire::Ipv4Address> take_back_remembered(const DhcpClientLoop::Options& options, int ifindex,
                                                      net::NetlinkSocket& netlink) {
    if (options.lease_file.empty()) return std::nullopt;
    auto remembered = load_remembered_lease(options.lease_file, unix_now());
    if (!remembered) return std::nullopt;
    try {
        netlink.execute(net::address_removal_request(
            ifindex, wire::IpPrefix{remembered->address, remembered->prefix_length}, "the remembered lease's address"));
    } catch (const net::NetlinkError&) {
        // Already gone: its lifetime ran out, or the namespace is new.
    }
    spdlog::info("dhcp.remembered interface={} address={}: asking for it again (INIT-REBOOT)", options.interface,
                 remembered->address.to_string());
    return remembered->address;
}

DhcpClientSettings settings_for(DhcpClientSettings settings, const DhcpClientLoop::Options& options,
                                const net::InterfaceLink& link) {
    settings.mac = link.mac;
    settings.hostname = options.hostname;
    // Option 57: our MTU less the IPv4 and UDP headers, and never below RFC 2131's 576.
    settings.maximum_message_size = static_cast<std::uint16_t>(std::clamp(link.mtu - 28, 576, 65535 - 28));
    if (settings.seed == 0) {
        settings.seed = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                        (std::uint64_t{link.mac.bytes[4]} << 8 | link.mac.bytes[5]);
    }
    return settings;
}

}  // namespace

DhcpClientLoop::DhcpClientLoop(asio::io_context& io, Options options)
    : options_(std::move(options)),
      link_(find_link(options_.interface)),
      netlink_(net::NetlinkSocket::open()),
      client_(settings_for(options_.settings, options_, link_), take_back_remembered(options_, link_.ifindex, netlink_)),
      link_receiver_(io, link_.ifindex, wire::DhcpMessage::kClientPort),
      udp_(io, wire::DhcpMessage::kClientPort, options_.interface),
      timer_(io) {}

ClientTime DhcpClientLoop::now() const { return steady_now(); }

asio::awaitable<void> DhcpClientLoop::run() {
    auto executor = co_await asio::this_coro::executor;
    auto on_end = [this](std::exception_ptr failure) {
        if (failure && !failure_) failure_ = failure;
        stopping_ = true;
        timer_.cancel();
    };
    asio::co_spawn(executor, receive_from_link(), on_end);
    asio::co_spawn(executor, receive_from_udp(), on_end);
    act(client_.start(now()));
    while (!stopping_) {
        auto wakeup = client_.next_wakeup();
        timer_.expires_at(wakeup == ClientTime::max() ? asio::steady_timer::time_point::max()
                                                      : asio::steady_timer::time_point(wakeup));
        boost::system::error_code error;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, error));
        if (stopping_) break;
        // Cancelled: a message moved the next wakeup; the loop sets the timer again.
        if (!error) act(client_.wake(now()));
    }
    if (failure_) std::rethrow_exception(failure_);
}

void DhcpClientLoop::stop() {
    stopping_ = true;
    timer_.cancel();
}

asio::awaitable<void> DhcpClientLoop::receive_from_link() {
    while (!stopping_) {
        auto datagram = co_await link_receiver_.receive();
        if (datagram.source_port != wire::DhcpMessage::kServerPort) continue;
        handle(datagram.payload, true);
    }
}

asio::awaitable<void> DhcpClientLoop::receive_from_udp() {
    while (!stopping_) {
        auto datagram = co_await udp_.receive();
        handle(datagram.bytes, false);
    }
}

void DhcpClientLoop::handle(const std::vector<std::uint8_t>& payload, bool from_link) {
    // Before the interface has the address, only the packet socket sees every reply (one
    // to the offered address is not ours yet to the kernel); after, the UDP socket does.
    // Each reply is taken from one of them only.
    if (from_link == client_.has_address()) return;
    auto message = wire::parse_dhcp(payload);
    if (!message) {
        spdlog::debug("dhcp.malformed interface={}: {}", options_.interface, message.error().to_string());
        return;
    }
    auto actions = client_.receive(*message, now());
    if (actions.event.empty()) return;
    act(std::move(actions));
    timer_.cancel();  // the next wakeup has moved
}

void DhcpClientLoop::act(DhcpClientActions actions) {
    if (!actions.event.empty()) {
        spdlog::info("{} interface={} state={} {}", actions.event, options_.interface, to_string(client_.state()),
                     actions.detail);
    }
    if (actions.send) send(*actions.send);
    if (actions.remove) remove(*actions.remove);
    if (actions.apply) {
        apply(*actions.apply);
        if (options_.on_lease) options_.on_lease(*actions.apply);
    }
}

void DhcpClientLoop::send(const DhcpSend& send) {
    std::vector<std::uint8_t> payload;
    wire::Writer out(payload);
    wire::write_dhcp(out, send.message);
    bool sent = false;
    switch (send.path) {
        case DhcpPath::link_broadcast:
            sent = link_sender_.send(link_.ifindex, wire::MacAddress{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
                                     {wire::Ipv4Address{}, send.to, wire::DhcpMessage::kClientPort,
                                      wire::DhcpMessage::kServerPort},
                                     payload);
            break;
        case DhcpPath::udp_unicast:
        case DhcpPath::udp_broadcast:
            sent = udp_.send(payload, send.to, wire::DhcpMessage::kServerPort, link_.ifindex);
            break;
    }
    // UDP: a message the kernel would not take is retransmitted on the engine's schedule.
    if (!sent) spdlog::warn("dhcp.send_failed interface={} to={}", options_.interface, send.to.to_string());
}

void DhcpClientLoop::apply(const DhcpLease& lease) {
    wire::IpPrefix prefix{lease.address, lease.prefix_length};
    std::uint32_t lifetime = 0xffffffffu;
    if (!lease.infinite()) {
        auto left = std::chrono::ceil<std::chrono::seconds>(lease.expires_at() - now()).count();
        lifetime = static_cast<std::uint32_t>(std::max<std::int64_t>(left, 1));
    }
    netlink_.execute(net::leased_address_request(link_.ifindex, prefix, lifetime,
                                                 "leased address " + prefix.to_string() + " on " + options_.interface));
    if (!lease.routers.empty()) {
        try {
            netlink_.execute(net::route_replacement_request(kDefaultRoute, lease.routers.front(), std::nullopt,
                                                            kProtocolDhcp,
                                                            "default route via " + lease.routers.front().to_string()));
        } catch (const net::NetlinkError& error) {
            // A router outside the leased subnet cannot be a next hop: the address still works.
            spdlog::warn("dhcp.route_failed interface={} router={}: {}", options_.interface,
                         lease.routers.front().to_string(), error.what());
        }
    }
    if (options_.resolv_conf != nullptr) options_.resolv_conf->set(options_.interface, lease.dns_servers, lease.domain);
    if (!options_.lease_file.empty()) {
        auto left = lease.infinite() ? std::int64_t{100} * 365 * 24 * 3600
                                     : std::chrono::duration_cast<std::chrono::seconds>(lease.expires_at() - now()).count();
        remember_lease(options_.lease_file, {lease.address, lease.prefix_length, lease.routers, unix_now() + left});
    }
}

void DhcpClientLoop::remove(const DhcpLease& lease) {
    if (!options_.lease_file.empty()) forget_lease(options_.lease_file);
    if (options_.resolv_conf != nullptr) options_.resolv_conf->clear(options_.interface);
    // Either may be gone already (the kernel ends an address's lifetime on its own, and its
    // routes go with it): what matters is that neither is left.
    if (!lease.routers.empty()) {
        try {
            netlink_.execute(net::route_removal_request(kDefaultRoute, lease.routers.front(), std::nullopt,
                                                        "default route via " + lease.routers.front().to_string()));
        } catch (const net::NetlinkError&) {
        }
    }
    try {
        wire::IpPrefix prefix{lease.address, lease.prefix_length};
        netlink_.execute(net::address_removal_request(link_.ifindex, prefix, "leased address " + prefix.to_string()));
    } catch (const net::NetlinkError&) {
    }
}

void DhcpClientLoop::release() { act(client_.release(now())); }

}  // namespace emu::host
