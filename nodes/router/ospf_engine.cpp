#include "nodes/router/ospf_engine.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace emu::router {
namespace {

using wire::Ipv4Address;
using wire::Lsa;
using wire::LsaHeader;
using wire::OspfPacket;
using wire::RouterLink;

// §B InfTransDelay: what crossing a link adds to an LSA's age.
constexpr std::uint16_t kTransmitDelay = 1;
// The IP and OSPF headers, and an update's LSA count.
constexpr std::size_t kUpdateOverhead = 20 + OspfPacket::kHeaderSize + 4;
constexpr std::size_t kAckOverhead = 20 + OspfPacket::kHeaderSize;

Lsa aged_for_sending(Lsa lsa) {
    lsa.header.age = static_cast<std::uint16_t>(std::min<int>(lsa.header.age + kTransmitDelay, LsaHeader::kMaxAge));
    return lsa;
}

std::string lsa_text(const LsaHeader& header) {
    auto text = wire::lsa_type_name(header.type) + " " + header.link_state_id.to_string();
    if (header.advertising_router != header.link_state_id) text += " by " + header.advertising_router.to_string();
    return text + " seq=" + std::to_string(static_cast<std::int32_t>(header.sequence - 0x80000000u));
}

}  // namespace

/// One adjacency: its database exchange and its link state retransmission list (§10.3).
struct OspfEngine::Adjacency {
    std::unique_ptr<DatabaseExchange> exchange;
    /// An LSA waiting for the neighbour's acknowledgment, and when it goes (again): each
    /// RxmtInterval after it was last sent (§13.6), or once the neighbour will take it.
    struct Listed {
        LsaHeader header;
        Time due;
    };
    std::map<LsaKey, Listed> retransmit;
    Time retransmit_at = Time::max();  ///< no later than the earliest `due`

    /// The instance of each LSA this neighbour was last sent, and when. A neighbour drops a
    /// newer instance that comes within MinLSArrival of the one it installed (§13 (5a)) —
    /// and it may have installed that one only just now, from our answer to its request,
    /// however long ago we originated it. So a newer instance waits until then (ready_for):
    /// sent any sooner, it would be lost until RxmtInterval. The neighbour's MinLSArrival is
    /// taken to be ours, as HelloInterval must be.
    struct Sent {
        LsaHeader header;
        Time at;
    };
    std::map<LsaKey, Sent> sent;

    Time ready_for(const LsaHeader& header, Time now, std::chrono::milliseconds min_ls_arrival) const {
        auto last = sent.find(key_of(header));
        if (last == sent.end() || compare_instances(last->second.header, header) == 0) return now;
        return std::max(now, last->second.at + min_ls_arrival);
    }
    void note_sent(const LsaHeader& header, Time now) { sent[key_of(header)] = {header, now}; }
    /// Whether this neighbour was sent some instance of the LSA less than `interval` ago.
    bool sent_within(const LsaKey& key, Time now, std::chrono::milliseconds interval) const {
        auto last = sent.find(key);
        return last != sent.end() && now - last->second.at < interval;
    }
    void list(const LsaHeader& header, Time due) {
        retransmit[key_of(header)] = {header, due};
        retransmit_at = std::min(retransmit_at, due);
    }
};

/// One interface: its Hello protocol and the adjacencies formed on it.
struct OspfEngine::Port {
    std::unique_ptr<OspfInterface> hello;
    std::map<Ipv4Address, Adjacency> adjacencies;  ///< by neighbour router ID
    std::vector<LsaHeader> delayed_acks;
};

OspfEngine::OspfEngine(OspfConfig config, std::uint32_t random_seed)
    : config_(std::move(config)), next_dd_sequence_(random_seed) {
    for (const auto& interface : config_.interfaces) {
        auto port = std::make_unique<Port>();
        port->hello = std::make_unique<OspfInterface>(interface, config_.router_id);
        ports_.push_back(std::move(port));
    }
}

OspfEngine::~OspfEngine() = default;

void OspfEngine::log(const char* name, std::string text) { events_.push_back({name, std::move(text)}); }

OspfEngine::Port* OspfEngine::find_port(const std::string& name) {
    for (auto& port : ports_) {
        if (port->hello->config().name == name) return port.get();
    }
    return nullptr;
}

std::vector<const OspfInterface*> OspfEngine::interfaces() const {
    std::vector<const OspfInterface*> interfaces;
    for (const auto& port : ports_) interfaces.push_back(port->hello.get());
    return interfaces;
}

bool OspfEngine::any_exchanging() const {
    for (const auto& port : ports_) {
        for (const auto& [id, adjacency] : port->adjacencies) {
            const auto phase = adjacency.exchange->phase();
            if (phase == DatabaseExchange::Phase::exchange || phase == DatabaseExchange::Phase::loading) return true;
        }
    }
    return false;
}

void OspfEngine::interface_up(const std::string& name, Time now) {
    auto* port = find_port(name);
    if (port == nullptr) return;
    port->hello->up(now);
    port->hello->advance(now);
    sync_adjacencies(*port, now);
    originate();
}

void OspfEngine::interface_down(const std::string& name, Time now) {
    auto* port = find_port(name);
    if (port == nullptr) return;
    port->hello->down(now);
    sync_adjacencies(*port, now);
    originate();
}

void OspfEngine::send(const Port& port, Ipv4Address destination, wire::OspfPacket::Body body) {
    OspfPacket packet;
    packet.router_id = config_.router_id;
    packet.body = std::move(body);
    sends_.push_back({port.hello->config().name, destination, std::move(packet)});
}

Ipv4Address OspfEngine::flood_destination(const Port& port) const {
    // §13.3: on a LAN only the DR and BDR send to everyone; the others to the DR and BDR.
    const auto state = port.hello->state();
    if (port.hello->config().type == OspfNetworkType::broadcast && state == OspfInterfaceState::dr_other) {
        return OspfPacket::kAllDesignatedRouters;
    }
    return OspfPacket::kAllSpfRouters;
}

DatabaseExchange::Settings OspfEngine::exchange_settings(const Port& port, Ipv4Address neighbour) const {
    // §10.6: the DBDs carry the interface's real MTU; FRR refuses a neighbour whose is larger.
    return {config_.router_id, neighbour, port.hello->config().mtu, config_.retransmit_interval};
}

void OspfEngine::sync_adjacencies(Port& port, Time now) {
    const auto& neighbours = port.hello->neighbours();
    bool lost_full = false;
    // An adjacency goes with its neighbour, or when the Hello protocol no longer wants it.
    for (auto it = port.adjacencies.begin(); it != port.adjacencies.end();) {
        auto neighbour = neighbours.find(it->first);
        if (neighbour == neighbours.end() || neighbour->second.state < OspfNeighbourState::exstart) {
            lost_full = lost_full || it->second.exchange->phase() == DatabaseExchange::Phase::full;
            it = port.adjacencies.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto& [id, neighbour] : neighbours) {
        if (neighbour.state != OspfNeighbourState::exstart || port.adjacencies.contains(id)) continue;
        port.adjacencies[id].exchange = std::make_unique<DatabaseExchange>(exchange_settings(port, id), next_dd_sequence_++, now);
    }
    if (lost_full) originate();
}

void OspfEngine::adjacency_outcome(Port& port, Ipv4Address id, Adjacency& adjacency, DatabaseExchange::Outcome outcome,
                                   Time now) {
    using Outcome = DatabaseExchange::Outcome;
    switch (outcome) {
        case Outcome::none: break;
        case Outcome::negotiation_done:
            port.hello->set_adjacency_state(id, OspfNeighbourState::exchange);
            log("ospf.negotiated", id.to_string() + " " + port.hello->config().name + " (we are " +
                                       (adjacency.exchange->is_master() ? "master" : "slave") + ")");
            break;
        case Outcome::loading: port.hello->set_adjacency_state(id, OspfNeighbourState::loading); break;
        case Outcome::full:
            port.hello->set_adjacency_state(id, OspfNeighbourState::full);
            log("ospf.adjacency_full", id.to_string() + " " + port.hello->config().name);
            originate();
            break;
        case Outcome::restart: {
            log("ospf.adjacency_restart", id.to_string() + " " + port.hello->config().name + ": " +
                                              adjacency.exchange->reason());
            const bool was_full = adjacency.exchange->phase() == DatabaseExchange::Phase::full;
            port.hello->set_adjacency_state(id, OspfNeighbourState::exstart);
            adjacency.exchange = std::make_unique<DatabaseExchange>(exchange_settings(port, id), next_dd_sequence_++, now);
            adjacency.retransmit.clear();
            if (was_full) originate();
            break;
        }
        case Outcome::refused:
            log("ospf.dbd_refused", id.to_string() + " " + port.hello->config().name + ": " +
                                        adjacency.exchange->reason());
            break;
    }
}

void OspfEngine::receive(const std::string& interface, Ipv4Address source, Ipv4Address destination,
                         const OspfPacket& packet, Time now) {
    auto* port = find_port(interface);
    // §8.2: the backbone only, no authentication, not our own, and AllDRouters only at a DR or BDR.
    auto ignore = [&](const std::string& why) {
        ++counters_.packets_ignored;
        log("ospf.packet_ignored", std::string(wire::to_string(packet.type())) + " from " + source.to_string() + " on " +
                                       interface + ": " + why);
    };
    if (port == nullptr || port->hello->state() == OspfInterfaceState::down || port->hello->config().passive) return;
    if (packet.area_id != Ipv4Address{}) return ignore("area " + packet.area_id.to_string() + " (OSPF-lite runs area 0)");
    if (packet.auth_type != OspfPacket::kAuthNone) return ignore("authentication type " + std::to_string(packet.auth_type));
    if (packet.router_id == config_.router_id) return;
    if (destination == OspfPacket::kAllDesignatedRouters && port->hello->state() != OspfInterfaceState::dr &&
        port->hello->state() != OspfInterfaceState::backup) {
        return;
    }
    if (const auto* hello = std::get_if<wire::OspfHello>(&packet.body)) {
        const auto before = std::tuple{port->hello->state(), port->hello->dr(), port->hello->bdr()};
        port->hello->receive_hello(source, packet.router_id, *hello, now);
        sync_adjacencies(*port, now);
        // A new DR changes what our router-LSA says of this network.
        if (before != std::tuple{port->hello->state(), port->hello->dr(), port->hello->bdr()}) originate();
        return;
    }
    if (std::holds_alternative<wire::OspfDatabaseDescription>(packet.body) &&
        !port->adjacencies.contains(packet.router_id)) {
        // §10.6: from a neighbour in Init, a DBD is 2-WayReceived; without it the first claim of
        // a pair of routers coming up together would be lost, and the exchange wait RxmtInterval.
        port->hello->two_way_received(packet.router_id, now);
        sync_adjacencies(*port, now);
    }
    auto adjacency = port->adjacencies.find(packet.router_id);
    if (adjacency == port->adjacencies.end()) return;  // no adjacency with it: §10.6/10.7 ignore
    if (const auto* dbd = std::get_if<wire::OspfDatabaseDescription>(&packet.body)) {
        adjacency_outcome(*port, adjacency->first, adjacency->second,
                          adjacency->second.exchange->receive(*dbd, lsdb_, now), now);
    } else if (const auto* request = std::get_if<wire::OspfLinkStateRequest>(&packet.body)) {
        receive_request(*port, adjacency->first, adjacency->second, *request, now);
    } else if (const auto* update = std::get_if<wire::OspfLinkStateUpdate>(&packet.body)) {
        if (adjacency->second.exchange->phase() == DatabaseExchange::Phase::exstart) return;  // §13: Exchange or later
        receive_update(*port, source, packet.router_id, *update, now);
    } else if (const auto* ack = std::get_if<wire::OspfLinkStateAck>(&packet.body)) {
        receive_ack(*port, packet.router_id, *ack);
    }
}

void OspfEngine::receive_request(Port& port, Ipv4Address id, Adjacency& adjacency,
                                 const wire::OspfLinkStateRequest& packet, Time now) {
    if (adjacency.exchange->phase() == DatabaseExchange::Phase::exstart) return;
    const auto& neighbour = port.hello->neighbours().at(id);
    std::vector<Lsa> answer;
    for (const auto& asked : packet.requests) {
        const auto* entry = lsdb_.find({static_cast<std::uint8_t>(asked.type), asked.link_state_id,
                                        asked.advertising_router});
        if (entry == nullptr) {
            // §10.7 BadLSReq: it asked for what we never had.
            log("ospf.adjacency_restart", id.to_string() + " " + port.hello->config().name +
                                              ": it asked for an LSA we do not have");
            port.hello->set_adjacency_state(id, OspfNeighbourState::exstart);
            adjacency.exchange = std::make_unique<DatabaseExchange>(exchange_settings(port, id), next_dd_sequence_++, now);
            adjacency.retransmit.clear();
            return;
        }
        answer.push_back(aged_for_sending(lsdb_.current(*entry, now)));
        adjacency.note_sent(answer.back().header, now);
    }
    // The answer goes straight to the neighbour.
    send_updates(port, neighbour.address, std::move(answer));
}

void OspfEngine::send_updates(const Port& port, Ipv4Address destination, std::vector<Lsa> lsas) {
    const std::size_t mtu = port.hello->config().mtu;
    std::size_t bytes = kUpdateOverhead;
    wire::OspfLinkStateUpdate update;
    for (auto& lsa : lsas) {
        if (!update.lsas.empty() && bytes + lsa.header.length > mtu) {
            send(port, destination, std::move(update));
            update = {};
            bytes = kUpdateOverhead;
        }
        bytes += lsa.header.length;
        update.lsas.push_back(std::move(lsa));
    }
    if (!update.lsas.empty()) send(port, destination, std::move(update));
}

void OspfEngine::receive_update(Port& port, Ipv4Address source, Ipv4Address router_id,
                                const wire::OspfLinkStateUpdate& packet, Time now) {
    auto& from = port.adjacencies.at(router_id);
    const bool exchanging = any_exchanging();
    std::vector<LsaHeader> direct_acks;
    for (const auto& lsa : packet.lsas) {
        ++counters_.lsas_received;
        // §13 (1), (2): a damaged LSA, or a type OSPF-lite does not take (summary and external).
        if (!lsa.checksum_ok) {
            log("ospf.lsa_dropped", lsa_text(lsa.header) + " from " + router_id.to_string() + ": bad checksum");
            continue;
        }
        if (lsa.header.type != wire::lsa_type::kRouter && lsa.header.type != wire::lsa_type::kNetwork) {
            // Acknowledged all the same, or the neighbour would send it again for ever.
            log("ospf.lsa_dropped", lsa_text(lsa.header) + " from " + router_id.to_string() +
                                        ": OSPF-lite takes router- and network-LSAs only");
            direct_acks.push_back(lsa.header);
            continue;
        }
        const auto key = key_of(lsa.header);
        const auto* ours = lsdb_.find(key);
        std::optional<LsaHeader> current;
        if (ours != nullptr) current = lsdb_.current(*ours, now).header;
        // §13 (4): a flush of something we do not hold, while nobody is still exchanging: just ack.
        if (lsa.header.age >= LsaHeader::kMaxAge && !current && !exchanging) {
            direct_acks.push_back(lsa.header);
            continue;
        }
        const int newer = current ? compare_instances(lsa.header, *current) : 1;
        if (newer > 0) {
            // §13 (5a): MinLSArrival.
            if (ours != nullptr && now - ours->installed < config_.min_ls_arrival) continue;
            const bool own = lsa.header.advertising_router == config_.router_id;
            if (own) {
                own_lsa_came_back(lsa, now);
                // It answers a request for it all the same (§10.9), or the adjacency stays Loading.
                lsa_arrived(lsa.header, now);
                direct_acks.push_back(lsa.header);
                continue;
            }
            // §13 (5b, 5c): the older instance leaves every retransmission list, then the new
            // one goes out (onto those lists) and is installed.
            for (auto& other : ports_) {
                for (auto& [id, adjacency] : other->adjacencies) adjacency.retransmit.erase(key);
            }
            const bool sent_back = flood(lsa, &port, router_id, now);
            if (lsdb_.install(lsa, now)) spf_wanted_ = true;
            log("ospf.lsa_installed", lsa_text(lsa.header) + " from " + router_id.to_string());
            lsa_arrived(lsa.header, now);
            // §13.5: acknowledged, unless flooding it back out of this interface said so already.
            if (!sent_back) port.delayed_acks.push_back(lsa.header);
        } else if (newer == 0) {
            // §13 (7): the same instance. From a neighbour we sent it to, it is an implied ack.
            auto listed = from.retransmit.find(key);
            if (listed != from.retransmit.end()) {
                from.retransmit.erase(listed);
            } else {
                direct_acks.push_back(lsa.header);
            }
        } else if (!from.sent_within(key, now, config_.min_ls_arrival)) {
            // §13 (8): ours is newer: send it back, unless we sent it within MinLSArrival.
            auto newer_one = aged_for_sending(lsdb_.current(*ours, now));
            from.note_sent(newer_one.header, now);
            send(port, source, wire::OspfLinkStateUpdate{{std::move(newer_one)}});
        }
    }
    if (!direct_acks.empty()) send(port, source, wire::OspfLinkStateAck{direct_acks});
}

void OspfEngine::receive_ack(Port& port, Ipv4Address router_id, const wire::OspfLinkStateAck& packet) {
    auto& adjacency = port.adjacencies.at(router_id);
    for (const auto& header : packet.lsa_headers) {
        auto listed = adjacency.retransmit.find(key_of(header));
        if (listed != adjacency.retransmit.end() && compare_instances(header, listed->second.header) == 0) {
            adjacency.retransmit.erase(listed);
        }
    }
}

bool OspfEngine::flood(const Lsa& lsa, const Port* arrived_on, std::optional<Ipv4Address> from, Time now) {
    bool sent_back = false;
    for (auto& port : ports_) {
        if (port->hello->state() == OspfInterfaceState::down || port->hello->config().passive) continue;
        std::vector<Adjacency*> listed;
        Time ready = now;
        for (auto& [id, adjacency] : port->adjacencies) {
            if (adjacency.exchange->phase() == DatabaseExchange::Phase::exstart) continue;
            if (port.get() == arrived_on && from && id == *from) continue;
            adjacency.list(lsa.header, now + config_.retransmit_interval);  // §13.6
            listed.push_back(&adjacency);
            ready = std::max(ready, adjacency.ready_for(lsa.header, now, config_.min_ls_arrival));
        }
        if (listed.empty()) continue;
        if (port.get() == arrived_on && from) {
            // §13.3 (4), (5): what came from the DR or BDR, the DR has sent to all; a BDR leaves it to the DR.
            const auto& sender = port->hello->neighbours().at(*from);
            if (sender.address == port->hello->dr() || sender.address == port->hello->bdr()) continue;
            if (port->hello->state() == OspfInterfaceState::backup) continue;
        }
        if (ready > now) {
            // A neighbour here would drop it (Adjacency::sent): it goes from the retransmission
            // lists, straight to each, once they take it.
            for (auto* adjacency : listed) adjacency->list(lsa.header, ready);
            log("ospf.lsa_paced", lsa_text(lsa.header) + " on " + port->hello->config().name + " for " +
                                      std::to_string(std::chrono::ceil<std::chrono::milliseconds>(ready - now).count()) +
                                      " ms (MinLSArrival)");
            continue;
        }
        send(*port, flood_destination(*port), wire::OspfLinkStateUpdate{{aged_for_sending(lsa)}});
        for (auto* adjacency : listed) adjacency->note_sent(lsa.header, now);
        ++counters_.lsas_flooded;
        // Flooded back out of where it came from: that is its acknowledgment (§13.5).
        sent_back = sent_back || port.get() == arrived_on;
    }
    return sent_back;
}

void OspfEngine::lsa_arrived(const LsaHeader& header, Time now) {
    for (auto& port : ports_) {
        for (auto& [id, adjacency] : port->adjacencies) {
            adjacency_outcome(*port, id, adjacency, adjacency.exchange->lsa_arrived(header, now), now);
        }
    }
}

void OspfEngine::originate() { origination_wanted_ = true; }

void OspfEngine::install_own(Lsa lsa, Time now) {
    ++originations_;
    wire::seal_lsa(lsa);
    if (lsdb_.install(lsa, now)) spf_wanted_ = true;
    log("ospf.lsa_originated", lsa_text(lsa.header));
    for (auto& port : ports_) {
        for (auto& [id, adjacency] : port->adjacencies) adjacency.retransmit.erase(key_of(lsa.header));
    }
    flood(lsa, nullptr, std::nullopt, now);
    lsa_arrived(lsa.header, now);  // a newer instance of ours answers any request for the old one
}

void OspfEngine::originate_now(Time now) {
    origination_wanted_ = false;
    const auto originations_before = originations_;
    // §12.4.1: the router-LSA, a link for each interface that is up.
    wire::RouterLsa body;
    std::set<Ipv4Address> networks_we_lead;
    for (const auto& port : ports_) {
        const auto& hello = *port->hello;
        const auto& interface = hello.config();
        if (hello.state() == OspfInterfaceState::down) continue;
        const auto network = interface.address.network();
        const RouterLink stub{network.address, wire::ipv4_mask(interface.address.length), RouterLink::kStub,
                              interface.cost, {}};
        if (interface.passive) {
            body.links.push_back(stub);
        } else if (interface.type == OspfNetworkType::point_to_point) {
            for (const auto& [id, neighbour] : hello.neighbours()) {
                if (neighbour.state == OspfNeighbourState::full) {
                    body.links.push_back({id, interface.address.address, RouterLink::kPointToPoint, interface.cost, {}});
                }
            }
            body.links.push_back(stub);  // §12.4.1.1 option 1: the link's subnet as a stub
        } else if (hello.transit_network_ready()) {
            body.links.push_back({hello.dr(), interface.address.address, RouterLink::kTransit, interface.cost, {}});
            if (hello.dr() == interface.address.address) networks_we_lead.insert(interface.address.address);
        } else {
            body.links.push_back(stub);
        }
    }
    const LsaKey own_key{wire::lsa_type::kRouter, config_.router_id, config_.router_id};
    const auto* existing = lsdb_.find(own_key);
    const bool refresh = existing && now >= existing->installed + config_.ls_refresh_time;
    if (!existing || !(std::get_if<wire::RouterLsa>(&existing->lsa.body) &&
                       *std::get_if<wire::RouterLsa>(&existing->lsa.body) == body) ||
        refresh) {
        Lsa lsa;
        lsa.header.type = wire::lsa_type::kRouter;
        lsa.header.options = wire::ospf_option::kExternal;
        lsa.header.link_state_id = lsa.header.advertising_router = config_.router_id;
        lsa.header.sequence = ++router_lsa_sequence_;
        lsa.body = body;
        install_own(lsa, now);
    }
    // §12.4.2: a network-LSA for each LAN where we are DR with a Full neighbour; flushed where we no longer are.
    for (const auto& port : ports_) {
        const auto& hello = *port->hello;
        const auto address = hello.config().address.address;
        const LsaKey key{wire::lsa_type::kNetwork, address, config_.router_id};
        const auto* ours = lsdb_.find(key);
        if (networks_we_lead.contains(address)) {
            wire::NetworkLsa network;
            network.network_mask = wire::ipv4_mask(hello.config().address.length);
            network.attached_routers.push_back(config_.router_id);
            for (const auto& [id, neighbour] : hello.neighbours()) {
                if (neighbour.state == OspfNeighbourState::full) network.attached_routers.push_back(id);
            }
            const bool same = ours && lsdb_.age(*ours, now) < LsaHeader::kMaxAge &&
                              std::get_if<wire::NetworkLsa>(&ours->lsa.body) &&
                              *std::get_if<wire::NetworkLsa>(&ours->lsa.body) == network;
            if (same && !(now >= ours->installed + config_.ls_refresh_time)) continue;
            auto& sequence = network_lsa_sequence_.try_emplace(address, LsaHeader::kInitialSequence - 1).first->second;
            Lsa lsa;
            lsa.header.type = wire::lsa_type::kNetwork;
            lsa.header.options = wire::ospf_option::kExternal;
            lsa.header.link_state_id = address;
            lsa.header.advertising_router = config_.router_id;
            lsa.header.sequence = ++sequence;
            lsa.body = network;
            install_own(lsa, now);
        } else if (ours && lsdb_.age(*ours, now) < LsaHeader::kMaxAge) {
            // §14.1: flushed by aging it prematurely to MaxAge.
            auto flushed = ours->lsa;
            flushed.header.age = LsaHeader::kMaxAge;
            if (lsdb_.install(flushed, now)) spf_wanted_ = true;
            log("ospf.lsa_flushed", lsa_text(flushed.header));
            flood(flushed, nullptr, std::nullopt, now);
        }
    }
    // MinLSInterval counts from an origination, not from a look that changed nothing.
    if (originations_ != originations_before) last_origination_ = now;
    // LSRefreshTime counts from each of our LSAs' own origination (§12.4).
    refresh_at_ = Time::max();
    for (const auto& [key, entry] : lsdb_.entries()) {
        if (key.advertising_router == config_.router_id && lsdb_.age(entry, now) < LsaHeader::kMaxAge) {
            refresh_at_ = std::min(refresh_at_, entry.installed + config_.ls_refresh_time);
        }
    }
}

void OspfEngine::own_lsa_came_back(const Lsa& lsa, Time now) {
    // §13.4: an instance of ours newer than what we hold, from before a restart: go on from
    // its sequence number (our next origination outdates it), or flush it if we no longer
    // originate it.
    log("ospf.own_lsa_returned", lsa_text(lsa.header));
    if (lsa.header.type == wire::lsa_type::kRouter) {
        router_lsa_sequence_ = std::max<std::int32_t>(static_cast<std::int32_t>(router_lsa_sequence_),
                                                      static_cast<std::int32_t>(lsa.header.sequence));
        lsdb_.install(lsa, now);
        lsdb_.remove(key_of(lsa.header));  // so that the origination below is not taken as unchanged
    } else {
        auto& sequence =
            network_lsa_sequence_.try_emplace(lsa.header.link_state_id, LsaHeader::kInitialSequence - 1).first->second;
        sequence = static_cast<std::uint32_t>(
            std::max<std::int32_t>(static_cast<std::int32_t>(sequence), static_cast<std::int32_t>(lsa.header.sequence)));
        // Installed as the instance that came, so that the origination below (as DR) outdates
        // it; where we are DR no more, it is flushed: aged to MaxAge and flooded (§14.1).
        lsdb_.install(lsa, now);
    }
    origination_wanted_ = true;
    last_origination_.reset();  // at once: the network holds an instance newer than ours
}

void OspfEngine::run_spf(Time now) {
    spf_wanted_ = false;
    ++counters_.spf_runs;
    std::vector<OspfSpfInterface> interfaces;
    for (const auto& port : ports_) {
        if (port->hello->state() != OspfInterfaceState::down) {
            interfaces.push_back({port->hello->config().name, port->hello->config().address});
        }
    }
    auto routes = shortest_paths(lsdb_.snapshot(now), config_.router_id, interfaces);
    if (routes != routes_) {
        routes_ = std::move(routes);
        routes_changed_ = true;
        log("ospf.spf", std::to_string(routes_.size()) + " routes");
    }
}

void OspfEngine::advance(Time now) {
    last_now_ = now;
    for (auto& port : ports_) {
        port->hello->advance(now);
        sync_adjacencies(*port, now);
        for (auto& [id, adjacency] : port->adjacencies) {
            adjacency.exchange->advance(now);
            // §13.6: what a neighbour has not acknowledged goes again, straight to it, each
            // LSA once it is due and the neighbour will take it.
            if (now >= adjacency.retransmit_at) {
                adjacency.retransmit_at = Time::max();
                std::vector<Lsa> again;
                for (auto it = adjacency.retransmit.begin(); it != adjacency.retransmit.end();) {
                    const auto* entry = lsdb_.find(it->first);
                    if (entry == nullptr) {
                        it = adjacency.retransmit.erase(it);
                        continue;
                    }
                    auto& listed = it->second;
                    if (listed.due <= now) {
                        auto lsa = aged_for_sending(lsdb_.current(*entry, now));
                        if (auto ready = adjacency.ready_for(lsa.header, now, config_.min_ls_arrival); ready > now) {
                            listed.due = ready;
                        } else {
                            adjacency.note_sent(lsa.header, now);
                            again.push_back(std::move(lsa));
                            listed.due = now + config_.retransmit_interval;
                        }
                    }
                    adjacency.retransmit_at = std::min(adjacency.retransmit_at, listed.due);
                    ++it;
                }
                if (!again.empty()) {
                    ++counters_.retransmissions;
                    send_updates(*port, port->hello->neighbours().at(id).address, std::move(again));
                }
            }
        }
    }
    if (origination_wanted_ &&
        (!last_origination_ || now >= *last_origination_ + config_.min_ls_interval)) {
        originate_now(now);
    } else if (now >= refresh_at_) {
        originate_now(now);
    }
    // §14: LSAs that reached MaxAge leave the database once nobody still needs them sent.
    std::vector<LsaKey> done;
    const bool exchanging = any_exchanging();
    for (const auto& [key, entry] : lsdb_.entries()) {
        if (lsdb_.age(entry, now) < LsaHeader::kMaxAge || exchanging) continue;
        bool listed = false;
        for (const auto& port : ports_) {
            for (const auto& [id, adjacency] : port->adjacencies) listed = listed || adjacency.retransmit.contains(key);
        }
        if (!listed) done.push_back(key);
    }
    for (const auto& key : done) {
        lsdb_.remove(key);
        for (auto& port : ports_) {
            for (auto& [id, adjacency] : port->adjacencies) adjacency.sent.erase(key);
        }
    }
    spf_wanted_ = spf_wanted_ || !done.empty();
    if (spf_wanted_) run_spf(now);
}

OspfEngine::Time OspfEngine::next_deadline() const {
    Time next = refresh_at_;
    if (origination_wanted_) next = std::min(next, last_origination_ ? *last_origination_ + config_.min_ls_interval : Time::min());
    if (spf_wanted_) next = Time::min();
    for (const auto& port : ports_) {
        next = std::min(next, port->hello->next_deadline());
        for (const auto& [id, adjacency] : port->adjacencies) {
            next = std::min({next, adjacency.exchange->next_deadline(), adjacency.retransmit_at});
        }
    }
    if (auto aging = lsdb_.next_max_age(last_now_)) next = std::min(next, *aging);
    return next;
}

std::vector<OspfSend> OspfEngine::take_sends() {
    // What the Hello protocols, the exchanges and the delayed acknowledgments have queued.
    for (auto& port : ports_) {
        const auto& interface = port->hello->config();
        for (auto& hello : port->hello->take_hellos()) send(*port, OspfPacket::kAllSpfRouters, std::move(hello));
        for (auto& [id, adjacency] : port->adjacencies) {
            // §10.8: on a point-to-point link to AllSPFRouters (as FRR does), on a LAN to the neighbour.
            const auto destination = interface.type == OspfNetworkType::point_to_point
                                         ? OspfPacket::kAllSpfRouters
                                         : port->hello->neighbours().at(id).address;
            for (auto& dbd : adjacency.exchange->take_descriptions()) send(*port, destination, std::move(dbd));
            for (auto& request : adjacency.exchange->take_requests()) send(*port, destination, std::move(request));
        }
        if (!port->delayed_acks.empty()) {
            wire::OspfLinkStateAck ack;
            std::size_t bytes = kAckOverhead;
            for (auto& header : port->delayed_acks) {
                if (bytes + LsaHeader::kSize > interface.mtu) {
                    send(*port, flood_destination(*port), std::move(ack));
                    ack = {};
                    bytes = kAckOverhead;
                }
                ack.lsa_headers.push_back(header);
                bytes += LsaHeader::kSize;
            }
            send(*port, flood_destination(*port), std::move(ack));
            port->delayed_acks.clear();
        }
    }
    return std::exchange(sends_, {});
}

std::vector<OspfEvent> OspfEngine::take_events() {
    std::vector<OspfEvent> events;
    for (auto& port : ports_) {
        for (auto& event : port->hello->take_events()) events_.push_back({event.name, event.text});
    }
    return std::exchange(events_, {});
}

bool OspfEngine::take_routes_changed() { return std::exchange(routes_changed_, false); }

}  // namespace emu::router
