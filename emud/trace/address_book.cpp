#include "emud/trace/address_book.hpp"

namespace emu::trace {

AddressBook::AddressBook(const topology::Lab& lab) {
    for (const auto& node : lab.nodes) {
        if (node.is_switch()) continue;
        for (const auto& interface : node.interfaces) {
            for (const auto& address : interface.addresses) {
                if (address.prefix.address.is_v4()) owners_[address.prefix.address.to_string()] = node.name;
            }
        }
    }
}

void AddressBook::learn(const wire::ArpPacket& arp, const std::string& owner) {
    if (owner.empty() || arp.sender_ip == wire::Ipv4Address{}) return;
    auto address = arp.sender_ip.to_string();
    std::lock_guard lock(mutex_);
    owners_[std::move(address)] = owner;
}

std::optional<std::string> AddressBook::owner_of(const std::string& address) const {
    std::lock_guard lock(mutex_);
    auto it = owners_.find(address);
    if (it == owners_.end()) return std::nullopt;
    return it->second;
}

}  // namespace emu::trace
