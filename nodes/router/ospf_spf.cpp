#include "nodes/router/ospf_spf.hpp"

#include <algorithm>
#include <optional>
#include <queue>
#include <tuple>

namespace emu::router {
namespace {

using wire::Ipv4Address;
using wire::Lsa;
using wire::NetworkLsa;
using wire::RouterLink;
using wire::RouterLsa;

// A vertex of the graph (§16.1): a router by its ID, or a transit network by its DR's
// interface address (the network-LSA's link state ID).
struct VertexId {
    std::uint8_t type = wire::lsa_type::kRouter;
    Ipv4Address id;
    auto operator<=>(const VertexId&) const = default;
};

struct Vertex {
    std::uint32_t distance = 0;
    std::set<OspfNextHop> next_hops;
    bool in_tree = false;
    /// A network the root is on itself: routers beyond it are reached at their own address.
    bool attached_to_root = false;
};

struct Network {
    const NetworkLsa* lsa = nullptr;
    Ipv4Address designated_router;  ///< its advertising router
};

class Graph {
public:
    Graph(const std::vector<Lsa>& lsas, Ipv4Address root, const std::vector<OspfSpfInterface>& interfaces)
        : root_(root), interfaces_(interfaces) {
        for (const auto& lsa : lsas) {
            if (lsa.header.age >= wire::LsaHeader::kMaxAge || !lsa.checksum_ok) continue;
            if (const auto* router = std::get_if<RouterLsa>(&lsa.body)) {
                // A router-LSA's link state ID is its router's ID (§12.1.4).
                if (lsa.header.type == wire::lsa_type::kRouter && lsa.header.link_state_id == lsa.header.advertising_router) {
                    routers_[lsa.header.advertising_router] = router;
                }
            } else if (const auto* network = std::get_if<NetworkLsa>(&lsa.body)) {
                if (lsa.header.type == wire::lsa_type::kNetwork) {
                    networks_[lsa.header.link_state_id] = {network, lsa.header.advertising_router};
                }
            }
        }
    }

    std::vector<OspfRoute> run() {
        if (!routers_.contains(root_)) return {};
        vertices_[{wire::lsa_type::kRouter, root_}] = Vertex{};
        push_candidate(0, {wire::lsa_type::kRouter, root_});
        while (!candidates_.empty()) {
            auto [distance, rank, id] = candidates_.top();
            candidates_.pop();
            auto& vertex = vertices_.at(id);
            if (vertex.in_tree || distance != vertex.distance) continue;  // a stale entry
            vertex.in_tree = true;
            if (id.type == wire::lsa_type::kRouter) {
                explore_router(id.id, vertex);
            } else {
                explore_network(id.id, vertex);
            }
        }
        return routes();
    }

private:
    // §16.1 (3): of candidates at the same distance, transit networks are taken before routers
    // "in order to necessarily find all equal-cost paths": a router reached at distance d
    // across a network at d (network → router costs 0) must still be on the list when the
    // network is taken, or the path across it is lost. Hence the rank between the distance
    // and the vertex: 0 for a network, 1 for a router.
    using Candidate = std::tuple<std::uint32_t, int, VertexId>;

    void push_candidate(std::uint32_t distance, const VertexId& id) {
        candidates_.push({distance, id.type == wire::lsa_type::kNetwork ? 0 : 1, id});
    }

    std::string interface_with_address(Ipv4Address address) const {
        for (const auto& interface : interfaces_) {
            if (interface.address.address == address) return interface.name;
        }
        return {};
    }

    std::string interface_on(const wire::Ipv4Prefix& network) const {
        for (const auto& interface : interfaces_) {
            if (interface.address.network() == network.network()) return interface.name;
        }
        return {};
    }

    // `router`'s link of `type` towards `towards` (a router ID for point-to-point, the DR's
    // address for a transit network), preferring one on the same subnet as `near`.
    static const RouterLink* link_back(const RouterLsa& router, std::uint8_t type, Ipv4Address towards,
                                       std::optional<wire::Ipv4Prefix> near = std::nullopt) {
        const RouterLink* found = nullptr;
        for (const auto& link : router.links) {
            if (link.type != type || link.link_id != towards) continue;
            if (!near || wire::Ipv4Prefix{link.link_data, near->length}.network() == near->network()) return &link;
            if (found == nullptr) found = &link;
        }
        return found;
    }

    // Offers `id` at `distance` with `next_hops`: better replaces, equal merges (§16.1 (2d)).
    void offer(const VertexId& id, std::uint32_t distance, const std::set<OspfNextHop>& next_hops,
               bool attached_to_root = false) {
        auto [it, fresh] = vertices_.try_emplace(id);
        auto& vertex = it->second;
        if (vertex.in_tree) return;
        if (fresh || distance < vertex.distance) {
            vertex.distance = distance;
            vertex.next_hops = next_hops;
            vertex.attached_to_root = attached_to_root;
            push_candidate(distance, id);
        } else if (distance == vertex.distance) {
            vertex.next_hops.insert(next_hops.begin(), next_hops.end());
            vertex.attached_to_root = vertex.attached_to_root || attached_to_root;
        }
    }

    void explore_router(Ipv4Address router_id, const Vertex& vertex) {
        const auto& router = *routers_.at(router_id);
        const bool is_root = router_id == root_;
        for (const auto& link : router.links) {
            const std::uint32_t distance = vertex.distance + link.metric;
            if (link.type == RouterLink::kPointToPoint) {
                auto neighbour = routers_.find(link.link_id);
                if (neighbour == routers_.end()) continue;
                // §16.1 (2b): only a link both ends describe.
                const auto* back = link_back(*neighbour->second, RouterLink::kPointToPoint, router_id);
                if (back == nullptr) continue;
                auto next_hops = vertex.next_hops;
                if (is_root) {
                    // §16.1.1: the neighbour's own address on the link, out of our end of it.
                    const auto ours = interface_with_address(link.link_data);
                    // Our LSA may still name an interface that has gone down: no way out there.
                    if (ours.empty()) continue;
                    std::optional<wire::Ipv4Prefix> subnet;
                    for (const auto& interface : interfaces_) {
                        if (interface.name == ours) subnet = interface.address;
                    }
                    const auto* theirs = link_back(*neighbour->second, RouterLink::kPointToPoint, router_id, subnet);
                    next_hops = {{theirs->link_data, ours}};
                }
                offer({wire::lsa_type::kRouter, link.link_id}, distance, next_hops);
            } else if (link.type == RouterLink::kTransit) {
                auto network = networks_.find(link.link_id);
                if (network == networks_.end()) continue;
                const auto& attached = network->second.lsa->attached_routers;
                if (std::find(attached.begin(), attached.end(), router_id) == attached.end()) continue;
                if (is_root) {
                    const auto ours = interface_with_address(link.link_data);
                    if (ours.empty()) continue;
                    offer({wire::lsa_type::kNetwork, link.link_id}, distance, {{Ipv4Address{}, ours}}, true);
                } else {
                    offer({wire::lsa_type::kNetwork, link.link_id}, distance, vertex.next_hops);
                }
            }
        }
    }

    void explore_network(Ipv4Address designated_address, const Vertex& vertex) {
        const auto& network = networks_.at(designated_address);
        for (const auto& attached : network.lsa->attached_routers) {
            auto router = routers_.find(attached);
            if (router == routers_.end()) continue;
            const auto* back = link_back(*router->second, RouterLink::kTransit, designated_address);
            if (back == nullptr) continue;  // §16.1 (2b)
            auto next_hops = vertex.next_hops;
            if (vertex.attached_to_root) {
                // A router on one of our own networks: forward to its address there. Paths of
                // the same cost that reach the network through another router keep their hop.
                next_hops.clear();
                for (const auto& hop : vertex.next_hops) {
                    next_hops.insert(hop.gateway == Ipv4Address{} ? OspfNextHop{back->link_data, hop.interface} : hop);
                }
            }
            offer({wire::lsa_type::kRouter, attached}, vertex.distance, next_hops);  // network → router costs 0
        }
    }

    void add_route(std::map<wire::Ipv4Prefix, OspfRoute>& routes, OspfRoute route) const {
        route.destination = route.destination.network();
        auto [it, fresh] = routes.try_emplace(route.destination, route);
        if (fresh) return;
        auto& known = it->second;
        if (route.cost < known.cost) {
            known = std::move(route);
        } else if (route.cost == known.cost) {
            known.next_hops.insert(route.next_hops.begin(), route.next_hops.end());
            known.connected = known.connected || route.connected;
        }
    }

    std::vector<OspfRoute> routes() const {
        std::map<wire::Ipv4Prefix, OspfRoute> routes;
        for (const auto& [id, vertex] : vertices_) {
            if (!vertex.in_tree) continue;
            if (id.type == wire::lsa_type::kNetwork) {
                const auto& network = networks_.at(id.id);
                auto length = wire::ipv4_mask_length(network.lsa->network_mask);
                if (!length) continue;
                add_route(routes, {wire::Ipv4Prefix{id.id, *length}, vertex.distance, vertex.attached_to_root
                                                                                         ? std::set<OspfNextHop>{}
                                                                                         : vertex.next_hops,
                                   vertex.attached_to_root});
                continue;
            }
            // §16.1 second stage: each router's stub networks, at its distance plus the link's.
            for (const auto& link : routers_.at(id.id)->links) {
                if (link.type != RouterLink::kStub) continue;
                auto length = wire::ipv4_mask_length(link.link_data);
                if (!length) continue;
                const wire::Ipv4Prefix destination{link.link_id, *length};
                if (id.id == root_) {
                    add_route(routes, {destination, link.metric, {}, true});
                } else {
                    add_route(routes, {destination, vertex.distance + link.metric, vertex.next_hops, false});
                }
            }
        }
        std::vector<OspfRoute> sorted;
        for (auto& [destination, route] : routes) {
            if (route.connected) route.next_hops = {{Ipv4Address{}, interface_on(destination)}};
            sorted.push_back(std::move(route));
        }
        return sorted;
    }

    Ipv4Address root_;
    const std::vector<OspfSpfInterface>& interfaces_;
    std::map<Ipv4Address, const RouterLsa*> routers_;
    std::map<Ipv4Address, Network> networks_;
    std::map<VertexId, Vertex> vertices_;
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> candidates_;
};

}  // namespace

std::vector<OspfRoute> shortest_paths(const std::vector<wire::Lsa>& lsas, wire::Ipv4Address root,
                                      const std::vector<OspfSpfInterface>& interfaces) {
    return Graph(lsas, root, interfaces).run();
}

}  // namespace emu::router
