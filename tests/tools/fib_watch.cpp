// fib_watch: watches the kernel forwarding tables of several network namespaces at once and
// says when routing stopped changing them: the moment of the last change that a routing
// daemon made (a route or a nexthop object of protocol rip or ospf, the numbers emu-router
// and FRR's zebra both use; only zebra makes nexthop objects). ci/bench-routing starts it, reads "ready",
// then starts the routers or cuts a link, and takes the time between that and the last
// change as the time to converge. A namespace that is not there yet is waited for and
// watched from the moment it is (`emu up` makes them all before it starts any router);
// the routes a namespace already had when watching began are counted, so that a
// measurement that started too late says so. It stops by itself once every namespace is
// watched and nothing changed for --quiet seconds after a first change, or after --max
// seconds; it prints one JSON line.
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstring>
#include <iostream>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "lib/net/netns.hpp"
#include "lib/util/system_error.hpp"
#include "lib/util/unique_fd.hpp"

namespace {

using namespace emu;

// The kernel's numbers for routes of these daemons (/etc/iproute2/rt_protos.d: rip, ospf).
constexpr unsigned char kProtocolOspf = 188;
constexpr unsigned char kProtocolRip = 189;

double wall_clock_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool is_routing_protocol(unsigned char protocol) { return protocol == kProtocolOspf || protocol == kProtocolRip; }

struct Watched {
    std::string path;
    util::UniqueFd fd;  ///< none until the namespace is there
    std::size_t changes = 0;
    std::size_t routes_at_start = 0;
};

// A NETLINK_ROUTE socket in the namespace at `path`, in the IPv4 route and nexthop groups.
util::UniqueFd route_monitor(const std::string& path) {
    util::UniqueFd fd;
    net::run_in_netns(path, [&] {
        fd = util::UniqueFd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE));
        if (!fd) util::throw_errno("socket(NETLINK_ROUTE)");
    });
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;
    address.nl_groups = RTMGRP_IPV4_ROUTE;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) util::throw_errno("bind");
    const int nexthop_group = RTNLGRP_NEXTHOP;
    if (::setsockopt(fd.get(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &nexthop_group, sizeof nexthop_group) != 0) {
        util::throw_errno("NETLINK_ADD_MEMBERSHIP");
    }
    int buffer = 8 << 20;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer);
    return fd;
}

// Calls `each(type, payload, length)` for every whole message of a netlink datagram,
// headers read with memcpy and every length checked (netlink(7)); stops at one that does
// not fit, or when `each` returns false.
template <typename Each>
void for_each_message(const std::vector<char>& buffer, std::size_t size, Each each) {
    std::size_t offset = 0;
    while (offset < size && size - offset >= sizeof(nlmsghdr)) {
        nlmsghdr header{};
        std::memcpy(&header, buffer.data() + offset, sizeof header);
        if (header.nlmsg_len < NLMSG_HDRLEN || header.nlmsg_len > size - offset) return;
        if (!each(header.nlmsg_type, buffer.data() + offset + NLMSG_HDRLEN, header.nlmsg_len - NLMSG_HDRLEN)) return;
        offset += NLMSG_ALIGN(header.nlmsg_len);
    }
}

// The protocol of a route or nexthop message (rtm_protocol, nh_protocol); nullopt for others.
std::optional<unsigned char> protocol_of(std::uint16_t type, const char* payload, std::size_t length) {
    if ((type == RTM_NEWROUTE || type == RTM_DELROUTE) && length >= sizeof(rtmsg)) {
        rtmsg route{};
        std::memcpy(&route, payload, sizeof route);
        return route.rtm_protocol;
    }
    if ((type == RTM_NEWNEXTHOP || type == RTM_DELNEXTHOP) && length >= sizeof(nhmsg)) {
        nhmsg nexthop{};
        std::memcpy(&nexthop, payload, sizeof nexthop);
        return nexthop.nh_protocol;
    }
    return std::nullopt;
}

// How many IPv4 routes of a routing daemon the namespace at `path` has now (RTM_GETROUTE).
std::size_t routing_routes(const std::string& path) {
    util::UniqueFd fd;
    net::run_in_netns(path, [&] { fd = util::UniqueFd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)); });
    if (!fd) util::throw_errno("socket(NETLINK_ROUTE)");
    struct {
        nlmsghdr header;
        rtmsg route;
    } request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = RTM_GETROUTE;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = 1;
    request.route.rtm_family = AF_INET;
    if (::send(fd.get(), &request, sizeof request, 0) < 0) util::throw_errno("send(RTM_GETROUTE)");
    std::vector<char> buffer(1 << 16);
    std::size_t count = 0;
    bool done = false;
    while (!done) {
        auto n = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            util::throw_errno("recv(RTM_GETROUTE)");
        }
        for_each_message(buffer, static_cast<std::size_t>(n), [&](std::uint16_t type, const char* payload, std::size_t length) {
            if (type == NLMSG_DONE || type == NLMSG_ERROR) {
                done = true;
                return false;
            }
            if (auto protocol = protocol_of(type, payload, length); protocol && is_routing_protocol(*protocol)) ++count;
            return true;
        });
        if (n == 0) break;
    }
    return count;
}

// How many of the messages read now are a routing daemon's changes. zebra also makes
// nexthop objects for connected networks when it starts: those are not counted.
std::size_t read_changes(int fd, std::vector<char>& buffer) {
    std::size_t changes = 0;
    while (true) {
        auto n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return changes;
            if (errno == ENOBUFS) {  // news dropped: something changed, we cannot say what
                ++changes;
                continue;
            }
            util::throw_errno("recv");
        }
        for_each_message(buffer, static_cast<std::size_t>(n), [&](std::uint16_t type, const char* payload, std::size_t length) {
            if (auto protocol = protocol_of(type, payload, length); protocol && is_routing_protocol(*protocol)) ++changes;
            return true;
        });
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fib_watch: when did routing stop changing these namespaces' kernel tables?"};
    std::vector<std::string> paths;
    double quiet_seconds = 5, max_seconds = 120;
    app.add_option("namespaces", paths, "registered namespaces (/run/netns/NAME)")->required();
    app.add_option("--quiet", quiet_seconds, "stop once nothing changed this long after a change")->capture_default_str();
    app.add_option("--max", max_seconds, "stop after this long in any case")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    try {
        std::vector<Watched> watched;
        for (const auto& path : paths) watched.push_back({path, util::UniqueFd(-1)});
        std::size_t attached = 0;
        // Watches each namespace that has appeared: subscribed first, then counted, so that
        // no change falls between the two.
        auto attach_new = [&] {
            for (auto& one : watched) {
                if (one.fd || !net::netns_inode(one.path)) continue;
                one.fd = route_monitor(one.path);
                one.routes_at_start = routing_routes(one.path);
                ++attached;
            }
        };
        std::vector<char> buffer(1 << 16);
        const double started = wall_clock_seconds();
        double first_change = 0, last_change = 0;
        std::size_t changes = 0;
        attach_new();
        std::cout << "ready" << std::endl;
        while (true) {
            const double now = wall_clock_seconds();
            if (now - started >= max_seconds) break;
            if (attached == watched.size() && changes > 0 && now - last_change >= quiet_seconds) break;
            if (attached < watched.size()) attach_new();
            std::vector<pollfd> polls;
            std::vector<Watched*> polled;
            for (auto& one : watched) {
                if (!one.fd) continue;
                polls.push_back({one.fd.get(), POLLIN, 0});
                polled.push_back(&one);
            }
            // While namespaces are still to come, look for them every millisecond.
            const double until = changes > 0 ? std::min(last_change + quiet_seconds, started + max_seconds)
                                             : started + max_seconds;
            const int timeout_ms =
                attached < watched.size() ? 1 : std::max(1, static_cast<int>((until - now) * 1000));
            if (::poll(polls.data(), polls.size(), timeout_ms) < 0 && errno != EINTR) util::throw_errno("poll");
            for (std::size_t i = 0; i < polls.size(); ++i) {
                if (!(polls[i].revents & POLLIN)) continue;
                const auto found = read_changes(polls[i].fd, buffer);
                if (found == 0) continue;
                const double at = wall_clock_seconds();
                if (changes == 0) first_change = at;
                last_change = at;
                changes += found;
                polled[i]->changes += found;
            }
        }
        std::size_t routes_at_start = 0;
        for (const auto& one : watched) routes_at_start += one.routes_at_start;
        std::string per_namespace;
        for (const auto& one : watched) {
            per_namespace += fmt::format("{}\"{}\": {}", per_namespace.empty() ? "" : ", ", one.path, one.changes);
        }
        std::cout << fmt::format(
                         "{{\"started\": {:.6f}, \"first_change\": {:.6f}, \"last_change\": {:.6f}, \"changes\": {}, "
                         "\"watched\": {}, \"routes_at_start\": {}, \"per_namespace\": {{{}}}}}",
                         started, first_change, last_change, changes, attached, routes_at_start, per_namespace)
                  << std::endl;
        return changes > 0 ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "fib_watch: " << error.what() << '\n';
        return 2;
    }
}
