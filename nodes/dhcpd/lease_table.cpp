#include "nodes/dhcpd/lease_table.hpp"

#include <fmt/format.h>

namespace emu::dhcp {

std::string to_string(LeaseState state) {
    switch (state) {
        case LeaseState::leased: return "leased";
        case LeaseState::released: return "released";
        case LeaseState::declined: return "declined";
    }
    return "leased";
}

std::optional<LeaseState> lease_state_from(const std::string& text) {
    for (auto state : {LeaseState::leased, LeaseState::released, LeaseState::declined}) {
        if (to_string(state) == text) return state;
    }
    return std::nullopt;
}

std::string client_identity(const std::vector<std::uint8_t>* client_identifier, std::uint8_t hardware_type,
                            const wire::MacAddress& mac) {
    if (client_identifier != nullptr && !client_identifier->empty()) {
        std::string text = "id:";
        for (auto byte : *client_identifier) text += fmt::format("{:02x}", byte);
        return text;
    }
    return fmt::format("hw:{}:{}", hardware_type, mac.to_string());
}

LeaseTable::LeaseTable(std::vector<Lease> leases) {
    for (auto& lease : leases) put(std::move(lease));
}

const Lease* LeaseTable::find(wire::Ipv4Address address) const {
    auto it = by_address_.find(address.value);
    return it == by_address_.end() ? nullptr : &it->second;
}

std::optional<wire::Ipv4Address> LeaseTable::last_address_of(const std::string& client) const {
    auto it = last_by_client_.find(client);
    if (it == last_by_client_.end()) return std::nullopt;
    return wire::Ipv4Address{it->second};
}

bool LeaseTable::free_for(wire::Ipv4Address address, const std::string& client, UnixTime now) const {
    if (auto offer = offers_.find(address.value); offer != offers_.end()) {
        if (offer->second.until > now && offer->second.client != client) return false;
    }
    const auto* lease = find(address);
    if (lease == nullptr || lease->expires <= now) return true;
    switch (lease->state) {
        case LeaseState::leased: return lease->client == client;
        case LeaseState::released: return true;
        case LeaseState::declined: return false;
    }
    return false;
}

bool LeaseTable::leased_to(wire::Ipv4Address address, const std::string& client, UnixTime now) const {
    const auto* lease = find(address);
    return lease != nullptr && lease->state == LeaseState::leased && lease->client == client && lease->expires > now;
}

std::optional<std::string> LeaseTable::offered_to(wire::Ipv4Address address, UnixTime now) const {
    auto offer = offers_.find(address.value);
    if (offer == offers_.end() || offer->second.until <= now) return std::nullopt;
    return offer->second.client;
}

void LeaseTable::hold_offer(wire::Ipv4Address address, const std::string& client, UnixTime until) {
    offers_[address.value] = {client, until};
    last_by_client_[client] = address.value;
}

void LeaseTable::drop_offer(wire::Ipv4Address address) {
    offers_.erase(address.value);
}

void LeaseTable::drop_offers_of(const std::string& client) {
    std::erase_if(offers_, [&](const auto& entry) { return entry.second.client == client; });
}

const Lease& LeaseTable::put(Lease lease) {
    offers_.erase(lease.address.value);
    // A declined address belongs to nobody: its client must not be steered back to it.
    if (lease.state != LeaseState::declined) {
        last_by_client_[lease.client] = lease.address.value;
    } else if (auto it = last_by_client_.find(lease.client); it != last_by_client_.end() && it->second == lease.address.value) {
        last_by_client_.erase(it);
    }
    auto& stored = by_address_[lease.address.value];
    stored = std::move(lease);
    return stored;
}

std::vector<Lease> LeaseTable::leases() const {
    std::vector<Lease> all;
    for (const auto& [address, lease] : by_address_) all.push_back(lease);
    return all;
}

std::size_t LeaseTable::active_leases(UnixTime now) const {
    std::size_t count = 0;
    for (const auto& [address, lease] : by_address_) count += lease.state == LeaseState::leased && lease.expires > now;
    return count;
}

}  // namespace emu::dhcp
