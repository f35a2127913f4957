#include "nodes/dhcpd/dhcp_server.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace emu::dhcp {
namespace {

using wire::DhcpMessage;
using wire::DhcpMessageType;
using wire::Ipv4Address;
namespace option = wire::dhcp_option;

Decision ignored(std::string event, std::string detail) {
    return {std::nullopt, {}, std::move(event), std::move(detail)};
}

std::string xid_text(const DhcpMessage& message) {
    return fmt::format("xid=0x{:08x}", message.xid);
}

// RFC 2131 §4.1: where a reply goes. Through the relay when there is one; on the client's
// own link as its fields say.
ReplyTarget target_for(const DhcpMessage& request, const DhcpMessage& reply) {
    ReplyTarget target;
    if (request.relay_address != Ipv4Address{}) {
        target.kind = ReplyTarget::Kind::relay;
        target.ip = request.relay_address;
        target.port = DhcpMessage::kServerPort;
        return target;
    }
    auto delivery = wire::client_delivery(reply);
    target.kind = delivery.kind == wire::ClientDelivery::Kind::unicast     ? ReplyTarget::Kind::client_ip
                  : delivery.kind == wire::ClientDelivery::Kind::hardware ? ReplyTarget::Kind::hardware
                                                                           : ReplyTarget::Kind::broadcast;
    target.ip = delivery.ip;
    target.mac = delivery.mac;
    return target;
}

}  // namespace

DhcpServer::DhcpServer(ServerConfig config, std::vector<Lease> leases)
    : config_(std::move(config)), table_(std::move(leases)) {}

Decision DhcpServer::handle(const Received& received, UnixTime now) {
    ++counters_.received;
    const auto& message = received.message;
    if (message.op != DhcpMessage::kBootRequest) {
        ++counters_.ignored;
        return ignored("dhcp.drop.not_a_request", xid_text(message));
    }
    auto type = message.message_type();
    if (!type) {
        ++counters_.malformed;
        return ignored("dhcp.drop.bootp", "no message type (plain BOOTP is not served) " + xid_text(message));
    }
    if (message.hardware_type != 1 || message.hardware_length != 6) {
        ++counters_.malformed;
        return ignored("dhcp.drop.hardware", fmt::format("htype {} hlen {} {}", message.hardware_type,
                                                         message.hardware_length, xid_text(message)));
    }
    // The client's subnet: the relay's, when one forwarded it, else the one we received it on.
    auto where = message.relay_address != Ipv4Address{} ? message.relay_address : received.interface_address;
    Client client;
    client.subnet = config_.subnet_of(where);
    if (client.subnet == nullptr) {
        ++counters_.ignored;
        return ignored("dhcp.drop.no_subnet", fmt::format("no subnet for {} ({} from {})", where.to_string(),
                                                          wire::to_string(*type), message.client_mac().to_string()));
    }
    const auto* identifier = message.find(option::kClientIdentifier);
    client.identity = client_identity(identifier ? &identifier->data : nullptr, message.hardware_type,
                                      message.client_mac());
    switch (*type) {
        case DhcpMessageType::discover: return discover(received, client, now);
        case DhcpMessageType::request: return request(received, client, now);
        case DhcpMessageType::decline: return decline(received, client, now);
        case DhcpMessageType::release: return release(received, client, now);
        case DhcpMessageType::inform: return inform(received, client);
        default:
            ++counters_.ignored;
            return ignored("dhcp.drop.not_a_request", wire::to_string(*type) + " " + xid_text(message));
    }
}

Decision DhcpServer::discover(const Received& received, const Client& client, UnixTime now) {
    auto address = choose_address(received, client, now);
    if (!address) {
        ++counters_.exhausted;
        return ignored("dhcp.pool_exhausted", fmt::format("subnet {}: no address free for {} ({})",
                                                          client.subnet->prefix.to_string(),
                                                          received.message.client_mac().to_string(), client.identity));
    }
    table_.hold_offer(*address, client.identity, now + config_.offer_hold_seconds);
    auto reply = reply_to(received, DhcpMessageType::offer, client.subnet);
    reply.message.your_address = *address;
    reply.message.set_u32(option::kLeaseTime, client.subnet->lease_seconds);
    reply.message.set_u32(option::kRenewalTime, client.subnet->lease_seconds / 2);
    reply.message.set_u32(option::kRebindingTime, static_cast<std::uint32_t>(client.subnet->lease_seconds * 7ull / 8));
    reply.target = target_for(received.message, reply.message);
    ++counters_.offers;
    return {std::move(reply), {}, "dhcp.offer",
            fmt::format("{} to {} {}", address->to_string(), client.identity, xid_text(received.message))};
}

Decision DhcpServer::request(const Received& received, const Client& client, UnixTime now) {
    const auto& message = received.message;
    auto server = message.address(option::kServerIdentifier);
    auto requested = message.address(option::kRequestedAddress);
    const auto& subnet = *client.subnet;

    if (server) {
        // SELECTING (RFC 2131 §4.3.2): the client answers one OFFER; the other servers let go.
        if (*server != received.interface_address) {
            table_.drop_offers_of(client.identity);
            ++counters_.ignored;
            return ignored("dhcp.request.other_server", fmt::format("{} chose {}", client.identity, server->to_string()));
        }
        if (!requested) return refuse(received, "no requested address");
        if (subnet.hands_out(*requested) && !reserved_for_another(*requested, message.client_mac(), subnet) &&
            table_.free_for(*requested, client.identity, now)) {
            return acknowledge(received, client, *requested, now);
        }
        return refuse(received, "address not available");
    }

    // INIT-REBOOT: the client asks to keep what it had; RENEWING and REBINDING: it says
    // what it has in ciaddr. Either way the address must be this client's.
    auto address = requested ? *requested : message.client_address;
    if (address == Ipv4Address{}) {
        ++counters_.malformed;
        return ignored("dhcp.drop.request_without_address", client.identity + " " + xid_text(message));
    }
    if (!subnet.contains(address)) return refuse(received, "wrong network");
    if (table_.leased_to(address, client.identity, now)) return acknowledge(received, client, address, now);
    const auto* record = table_.find(address);
    bool was_theirs = record != nullptr && record->client == client.identity && record->state != LeaseState::declined;
    if (was_theirs && subnet.hands_out(address) && !reserved_for_another(address, message.client_mac(), subnet) &&
        table_.free_for(address, client.identity, now)) {
        return acknowledge(received, client, address, now);  // expired, but nobody took it since
    }
    if (record != nullptr && !was_theirs && record->state == LeaseState::leased && record->expires > now) {
        return refuse(received, "address leased to another client");
    }
    // RFC 2131 §4.3.2: with no record of the client a server stays silent, unless it knows
    // it is the only one (authoritative), when a NAK sends the client back to DISCOVER.
    if (config_.authoritative) return refuse(received, "no lease for this client");
    ++counters_.ignored;
    return ignored("dhcp.request.unknown_client", fmt::format("{} asks for {}", client.identity, address.to_string()));
}

Decision DhcpServer::decline(const Received& received, const Client& client, UnixTime now) {
    const auto& message = received.message;
    auto server = message.address(option::kServerIdentifier);
    auto requested = message.address(option::kRequestedAddress);
    if (!requested || (server && *server != received.interface_address)) {
        ++counters_.ignored;
        return ignored("dhcp.decline.not_ours", client.identity + " " + xid_text(message));
    }
    // Only the client the address was given to may say it is in use.
    bool theirs = table_.leased_to(*requested, client.identity, now) ||
                  table_.offered_to(*requested, now) == client.identity;
    if (!theirs) {
        ++counters_.ignored;
        return ignored("dhcp.decline.not_theirs", fmt::format("{} declines {}", client.identity, requested->to_string()));
    }
    // RFC 2131 §4.3.3: the address is in use by someone else; hold it back.
    Lease lease{*requested, client.identity, message.client_mac(), "", now + config_.decline_hold_seconds,
                LeaseState::declined};
    auto changed = table_.put(lease);
    ++counters_.declines;
    return {std::nullopt, {changed}, "dhcp.decline",
            fmt::format("{} is in use on the network (said {}); held back {} s", requested->to_string(), client.identity,
                        config_.decline_hold_seconds)};
}

Decision DhcpServer::release(const Received& received, const Client& client, UnixTime now) {
    const auto& message = received.message;
    auto server = message.address(option::kServerIdentifier);
    auto address = message.client_address;
    if ((server && *server != received.interface_address) || !table_.leased_to(address, client.identity, now)) {
        ++counters_.ignored;
        return ignored("dhcp.release.unknown", fmt::format("{} releases {}", client.identity, address.to_string()));
    }
    // RFC 2131 §4.3.4: free again, but remembered, so this client gets it back first.
    auto lease = *table_.find(address);
    lease.state = LeaseState::released;
    lease.expires = now;
    auto changed = table_.put(lease);
    ++counters_.releases;
    return {std::nullopt, {changed}, "dhcp.release", fmt::format("{} from {}", address.to_string(), client.identity)};
}

Decision DhcpServer::inform(const Received& received, const Client& client) {
    // RFC 2131 §4.3.5: configuration only; no address, no lease time.
    auto reply = reply_to(received, DhcpMessageType::ack, client.subnet);
    reply.target = target_for(received.message, reply.message);
    ++counters_.informs;
    return {std::move(reply), {}, "dhcp.inform",
            fmt::format("{} at {}", client.identity, received.message.client_address.to_string())};
}

Decision DhcpServer::acknowledge(const Received& received, const Client& client, Ipv4Address address, UnixTime now) {
    const auto& message = received.message;
    const auto& subnet = *client.subnet;
    Lease lease{address, client.identity, message.client_mac(), message.text(option::kHostName).value_or(""),
                now + subnet.lease_seconds, LeaseState::leased};
    auto changed = table_.put(lease);
    auto reply = reply_to(received, DhcpMessageType::ack, &subnet);
    reply.message.your_address = address;
    reply.message.set_u32(option::kLeaseTime, subnet.lease_seconds);
    reply.message.set_u32(option::kRenewalTime, subnet.lease_seconds / 2);
    reply.message.set_u32(option::kRebindingTime, static_cast<std::uint32_t>(subnet.lease_seconds * 7ull / 8));
    reply.target = target_for(message, reply.message);
    ++counters_.acks;
    return {std::move(reply), {changed}, "dhcp.ack",
            fmt::format("{} to {} for {} s {}", address.to_string(), client.identity, subnet.lease_seconds,
                        xid_text(message))};
}

Decision DhcpServer::refuse(const Received& received, const std::string& why) {
    auto reply = reply_to(received, DhcpMessageType::nak, nullptr);
    reply.message.set_text(option::kMessage, why);
    // RFC 2131 §4.1: a NAK through a relay has the broadcast bit set, so the relay broadcasts it.
    if (received.message.relay_address != Ipv4Address{}) reply.message.flags |= DhcpMessage::kBroadcastFlag;
    reply.target = target_for(received.message, reply.message);
    ++counters_.naks;
    return {std::move(reply), {}, "dhcp.nak",
            fmt::format("{}: {} {}", received.message.client_mac().to_string(), why, xid_text(received.message))};
}

Reply DhcpServer::reply_to(const Received& received, DhcpMessageType type, const Subnet* subnet) const {
    const auto& request = received.message;
    Reply reply;
    reply.interface = received.interface;
    auto& message = reply.message;
    // RFC 2131 §4.3.1, Table 3: what a reply copies from the request.
    message.op = DhcpMessage::kBootReply;
    message.hardware_type = request.hardware_type;
    message.hardware_length = request.hardware_length;
    message.xid = request.xid;
    message.flags = request.flags;
    message.relay_address = request.relay_address;
    message.client_hardware = request.client_hardware;
    if (type != DhcpMessageType::nak) message.client_address = request.client_address;
    message.set(option::kMessageType, {static_cast<std::uint8_t>(type)});
    message.set_address(option::kServerIdentifier, received.interface_address);
    if (subnet != nullptr) {
        message.set_address(option::kSubnetMask, subnet->mask());
        if (!subnet->routers.empty()) message.set_addresses(option::kRouter, subnet->routers);
        if (!subnet->dns_servers.empty()) message.set_addresses(option::kDomainNameServer, subnet->dns_servers);
        if (!subnet->domain_name.empty()) message.set_text(option::kDomainName, subnet->domain_name);
        if (subnet->prefix.length < 31) message.set_address(option::kBroadcastAddress, subnet->prefix.broadcast());
    }
    // RFC 6842 §3: the client identifier goes back, so the client knows the reply is its own.
    if (const auto* identifier = request.find(option::kClientIdentifier)) {
        message.set(option::kClientIdentifier, identifier->data);
    }
    // A relay's information goes back to it unchanged (RFC 3046 §2.2).
    if (request.relay_address != Ipv4Address{}) {
        if (const auto* relay = request.find(option::kRelayAgentInformation)) {
            message.set(option::kRelayAgentInformation, relay->data);
        }
    }
    return reply;
}

std::optional<Ipv4Address> DhcpServer::reserved_for(const wire::MacAddress& mac, const Subnet& subnet) const {
    for (const auto& reservation : subnet.reservations) {
        if (reservation.mac == mac) return reservation.address;
    }
    return std::nullopt;
}

bool DhcpServer::reserved_for_another(Ipv4Address address, const wire::MacAddress& mac, const Subnet& subnet) const {
    for (const auto& reservation : subnet.reservations) {
        if (reservation.address == address && reservation.mac != mac) return true;
    }
    return false;
}

std::optional<Ipv4Address> DhcpServer::choose_address(const Received& received, const Client& client,
                                                      UnixTime now) {
    const auto& message = received.message;
    const auto& subnet = *client.subnet;
    auto mac = message.client_mac();
    auto usable = [&](Ipv4Address address) {
        return subnet.hands_out(address) && address != received.interface_address &&
               !reserved_for_another(address, mac, subnet) && table_.free_for(address, client.identity, now);
    };
    // RFC 2131 §4.3.1, in its order: the client's reservation, then the address it has or
    // had, then the one it asks for, then any free one.
    if (auto reserved = reserved_for(mac, subnet); reserved && table_.free_for(*reserved, client.identity, now)) {
        return reserved;
    }
    if (auto previous = table_.last_address_of(client.identity); previous && usable(*previous)) return previous;
    if (auto requested = message.address(wire::dhcp_option::kRequestedAddress); requested && usable(*requested)) {
        return requested;
    }
    // Addresses nobody has been offered first, then any free one (a lease that ended, an
    // offer nobody took): an address stays with its last client as long as the pool allows.
    // A cursor per pool marks where the addresses never offered begin; it only moves on, so
    // handing out a fresh address costs the same with ten leases as with ten thousand.
    auto network = subnet.prefix.network().address.v4();
    auto broadcast = subnet.prefix.length < 31 ? subnet.prefix.broadcast() : Ipv4Address{};
    for (bool never_used : {true, false}) {
        for (const auto& pool : subnet.pools) {
            auto& cursor = never_used_from_[&pool];
            cursor = std::max<std::uint64_t>(cursor, pool.first.value);
            while (never_used && cursor <= pool.last.value && table_.find(Ipv4Address{static_cast<std::uint32_t>(cursor)})) {
                ++cursor;
            }
            for (auto value = never_used ? cursor : std::uint64_t{pool.first.value}; value <= pool.last.value; ++value) {
                Ipv4Address address{static_cast<std::uint32_t>(value)};
                if (address == network || address == broadcast) continue;
                if (never_used && table_.find(address) != nullptr) continue;
                if (!usable(address)) continue;
                if (never_used) cursor = value + 1;
                return address;
            }
        }
    }
    return std::nullopt;
}

}  // namespace emu::dhcp
