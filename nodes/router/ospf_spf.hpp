#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lib/wire/ipv4_prefix.hpp"
#include "lib/wire/ospf.hpp"

namespace emu::router {

/// One way towards an OSPF destination: the neighbour to forward to and the interface.
struct OspfNextHop {
    /// 0.0.0.0 for a network the router is on itself.
    wire::Ipv4Address gateway;
    std::string interface;
    auto operator<=>(const OspfNextHop&) const = default;
};

/// A destination the shortest-path tree reaches, at its cost, by every path of that cost.
struct OspfRoute {
    wire::Ipv4Prefix destination;
    std::uint32_t cost = 0;
    /// Several when paths of equal cost leave by different neighbours (equal-cost multipath).
    std::set<OspfNextHop> next_hops;
    /// A network one of the router's own interfaces is on: the kernel routes it already.
    bool connected = false;
    auto operator<=>(const OspfRoute&) const = default;
};

/// One of the router's own interfaces, as SPF needs it: to tell by which interface a path
/// leaves, from the addresses the router's own LSA names.
struct OspfSpfInterface {
    std::string name;
    wire::Ipv4Prefix address;
};

/// The shortest-path tree of RFC 2328 §16.1 over an area's router- and network-LSAs, rooted
/// at `root`: Dijkstra over routers and transit networks (a link counts only when both ends
/// list each other, §16.1 (2b)), every equal-cost path kept, next hops taken from the LSAs
/// themselves (a neighbour's address is its end of the link: §16.1.1), then the stub
/// networks of every router reached (§16.1 second stage). LSAs at MaxAge are not used. The
/// routes come sorted by destination; for one destination the cheapest wins, ties merge.
std::vector<OspfRoute> shortest_paths(const std::vector<wire::Lsa>& lsas, wire::Ipv4Address root,
                                      const std::vector<OspfSpfInterface>& interfaces);

}  // namespace emu::router
