#include "nodes/host/dhcp_client.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace emu::host {
namespace {

using wire::DhcpMessage;
using wire::DhcpMessageType;
namespace option = wire::dhcp_option;

constexpr wire::Ipv4Address kLimitedBroadcast{0xffffffffu};

ClientTime seconds_after(ClientTime start, std::uint32_t seconds) {
    return start + std::chrono::duration_cast<ClientTime>(std::chrono::seconds(seconds));
}

// RFC 2132 §3.3: the mask, when the server sent one a host can use; else the mask of the
// address's class (RFC 791), which is what a mask-less BOOTP host assumes.
int prefix_length_of(const DhcpMessage& ack) {
    if (auto mask = ack.address(option::kSubnetMask)) {
        auto bits = mask->value;
        int length = 0;
        while (length < 32 && (bits & (0x80000000u >> length)) != 0) ++length;
        bool contiguous = length == 32 || (bits << length) == 0;
        if (contiguous && length > 0 && length <= 30) return length;
    }
    auto first_octet = ack.your_address.value >> 24;
    return first_octet < 128 ? 8 : first_octet < 192 ? 16 : 24;
}

std::string addresses_text(const std::vector<wire::Ipv4Address>& addresses) {
    std::string text;
    for (const auto& address : addresses) text += (text.empty() ? "" : ",") + address.to_string();
    return text.empty() ? "-" : text;
}

}  // namespace

std::string_view to_string(DhcpClientState state) {
    switch (state) {
        case DhcpClientState::init: return "INIT";
        case DhcpClientState::selecting: return "SELECTING";
        case DhcpClientState::requesting: return "REQUESTING";
        case DhcpClientState::bound: return "BOUND";
        case DhcpClientState::renewing: return "RENEWING";
        case DhcpClientState::rebinding: return "REBINDING";
        case DhcpClientState::init_reboot: return "INIT-REBOOT";
        case DhcpClientState::rebooting: return "REBOOTING";
    }
    return "?";
}

ClientTime DhcpLease::renew_at() const { return infinite() ? ClientTime::max() : seconds_after(start, renew_seconds); }
ClientTime DhcpLease::rebind_at() const { return infinite() ? ClientTime::max() : seconds_after(start, rebind_seconds); }
ClientTime DhcpLease::expires_at() const { return infinite() ? ClientTime::max() : seconds_after(start, lease_seconds); }

DhcpClient::DhcpClient(DhcpClientSettings settings, std::optional<wire::Ipv4Address> previous)
    : settings_(std::move(settings)), random_(settings_.seed), previous_(previous) {
    state_ = previous_ ? DhcpClientState::init_reboot : DhcpClientState::init;
}

DhcpClientActions DhcpClient::start(ClientTime now) {
    // RFC 2131 §4.4.1 suggests waiting 1 to 10 s before the first DISCOVER, to spread out
    // a building's worth of machines powered on at once; a lab wants its hosts configured
    // now, and its clients start apart enough already.
    exchange_start_ = now;
    if (state_ == DhcpClientState::init_reboot) return request_previous(now);
    return discover(now);
}

DhcpMessage DhcpClient::base_message(DhcpMessageType type, ClientTime now) const {
    DhcpMessage message;
    message.op = DhcpMessage::kBootRequest;
    message.xid = xid_;
    auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - exchange_start_).count();
    message.seconds = static_cast<std::uint16_t>(std::clamp<std::int64_t>(elapsed, 0, 0xffff));
    // No broadcast flag: replies reach our packet socket as unicast to our MAC too.
    message.set_client_mac(settings_.mac);
    message.set(option::kMessageType, {static_cast<std::uint8_t>(type)});
    // RFC 2132 §9.14: type 1 (Ethernet) and the MAC, so a server keys the lease the way
    // dhclient, dhcpcd and udhcpc do.
    std::vector<std::uint8_t> client_id{1};
    client_id.insert(client_id.end(), settings_.mac.bytes.begin(), settings_.mac.bytes.end());
    message.set(option::kClientIdentifier, std::move(client_id));
    return message;
}

void DhcpClient::add_request_options(DhcpMessage& message) const {
    message.set(option::kMaximumMessageSize,
                {static_cast<std::uint8_t>(settings_.maximum_message_size >> 8),
                 static_cast<std::uint8_t>(settings_.maximum_message_size & 0xff)});
    if (!settings_.hostname.empty()) message.set_text(option::kHostName, settings_.hostname);
    message.set(option::kParameterRequestList,
                {option::kSubnetMask, option::kRouter, option::kDomainNameServer, option::kHostName,
                 option::kDomainName, option::kBroadcastAddress, option::kLeaseTime, option::kServerIdentifier,
                 option::kRenewalTime, option::kRebindingTime});
}

ClientTime DhcpClient::backoff() {
    // §4.1: 4 s, 8 s, 16 s … up to 64 s, each moved by a uniform random amount in ±1 s so
    // clients that started together do not stay in step.
    auto interval = settings_.first_retransmit;
    for (int i = 1; i < transmissions_ && interval < settings_.longest_retransmit; ++i) interval *= 2;
    interval = std::min(interval, settings_.longest_retransmit);
    auto jitter_span = std::min<ClientTime::rep>(1000, interval.count() / 4);
    std::uniform_int_distribution<ClientTime::rep> jitter(-jitter_span, jitter_span);
    return interval + ClientTime(jitter(random_));
}

ClientTime DhcpClient::renew_retransmit(ClientTime now, ClientTime deadline) const {
    auto half = (deadline - now) / 2;
    return std::min(deadline, now + std::max(half, settings_.shortest_renew_retransmit));
}

DhcpClientActions DhcpClient::broadcast_unconfigured(DhcpMessage message, ClientTime now, const char* event,
                                                     std::string detail) {
    ++transmissions_;
    wakeup_ = now + backoff();  // the backoff grows with the transmissions counted so far
    DhcpClientActions actions;
    actions.send = DhcpSend{std::move(message), DhcpPath::link_broadcast, kLimitedBroadcast};
    actions.event = event;
    actions.detail = fmt::format("{} attempt={}", detail, transmissions_);
    return actions;
}

DhcpClientActions DhcpClient::discover(ClientTime now) {
    if (state_ != DhcpClientState::selecting) {
        xid_ = new_xid();
        transmissions_ = 0;
        exchange_start_ = now;
    }
    state_ = DhcpClientState::selecting;
    auto message = base_message(DhcpMessageType::discover, now);
    // §4.4.1: a client may suggest the address it had.
    if (previous_) message.set_address(option::kRequestedAddress, *previous_);
    add_request_options(message);
    return broadcast_unconfigured(std::move(message), now, "dhcp.discover", fmt::format("xid=0x{:08x}", xid_));
}

DhcpClientActions DhcpClient::request_offered(ClientTime now) {
    if (state_ != DhcpClientState::requesting) {
        state_ = DhcpClientState::requesting;
        transmissions_ = 0;
        request_start_ = now;
    }
    // §4.4.1: the REQUEST keeps the DISCOVER's xid, names the chosen server (which tells
    // the others their offers were declined) and asks for the offered address; ciaddr 0.
    auto message = base_message(DhcpMessageType::request, now);
    message.set_address(option::kRequestedAddress, offered_);
    message.set_address(option::kServerIdentifier, offering_server_);
    add_request_options(message);
    return broadcast_unconfigured(std::move(message), now, "dhcp.request",
                                  fmt::format("xid=0x{:08x} address={} server={}", xid_, offered_.to_string(),
                                              offering_server_.to_string()));
}

DhcpClientActions DhcpClient::request_previous(ClientTime now) {
    if (state_ != DhcpClientState::rebooting) {
        state_ = DhcpClientState::rebooting;
        xid_ = new_xid();
        transmissions_ = 0;
        request_start_ = now;
    }
    // §4.4.2: INIT-REBOOT asks for the address it had, broadcast, without a server
    // identifier and with ciaddr 0: any server that knows the network may answer.
    auto message = base_message(DhcpMessageType::request, now);
    message.set_address(option::kRequestedAddress, *previous_);
    add_request_options(message);
    return broadcast_unconfigured(std::move(message), now, "dhcp.reboot_request",
                                  fmt::format("xid=0x{:08x} address={}", xid_, previous_->to_string()));
}

DhcpClientActions DhcpClient::request_extension(ClientTime now, bool broadcast) {
    auto wanted = broadcast ? DhcpClientState::rebinding : DhcpClientState::renewing;
    if (state_ != wanted) {
        state_ = wanted;
        xid_ = new_xid();
        transmissions_ = 0;
        exchange_start_ = now;
        request_start_ = now;
    }
    // §4.3.2, RENEWING / REBINDING: ciaddr is ours; neither a server identifier nor a
    // requested address. RENEWING asks the server that leased it, REBINDING anyone.
    auto message = base_message(DhcpMessageType::request, now);
    message.client_address = lease_->address;
    add_request_options(message);
    ++transmissions_;
    wakeup_ = renew_retransmit(now, broadcast ? lease_->expires_at() : lease_->rebind_at());
    DhcpClientActions actions;
    actions.send = broadcast ? DhcpSend{std::move(message), DhcpPath::udp_broadcast, kLimitedBroadcast}
                             : DhcpSend{std::move(message), DhcpPath::udp_unicast, lease_->server};
    actions.event = broadcast ? "dhcp.rebind" : "dhcp.renew";
    actions.detail = fmt::format("xid=0x{:08x} address={} attempt={}", xid_, lease_->address.to_string(),
                                 transmissions_);
    return actions;
}

DhcpClientActions DhcpClient::restart(ClientTime now, std::string event, std::string detail) {
    DhcpClientActions actions;
    actions.event = std::move(event);
    actions.detail = std::move(detail);
    if (lease_) {
        actions.remove = lease_;
        lease_.reset();
    }
    state_ = DhcpClientState::init;
    actions.send = std::move(discover(now).send);
    return actions;
}

DhcpClientActions DhcpClient::receive(const DhcpMessage& message, ClientTime now) {
    // §4.4.1: only a reply to our transaction, for our hardware address.
    if (message.op != DhcpMessage::kBootReply || message.xid != xid_ || message.client_mac() != settings_.mac) {
        return {};
    }
    auto type = message.message_type();
    if (!type) return {};
    switch (state_) {
        case DhcpClientState::selecting:
            if (*type != DhcpMessageType::offer) return {};
            {
                auto server = message.address(option::kServerIdentifier);
                if (!server || message.your_address.value == 0) return {};
                // The first acceptable offer wins (§4.4.1 lets the client choose; waiting
                // for more only delays a lab that has one server per link).
                offered_ = message.your_address;
                offering_server_ = *server;
                auto actions = request_offered(now);
                actions.detail = fmt::format("offer of {} from {}; {}", offered_.to_string(),
                                             offering_server_.to_string(), actions.detail);
                return actions;
            }
        case DhcpClientState::requesting:
            // Only the chosen server's answer counts; another's is about its own offer.
            if (auto server = message.address(option::kServerIdentifier); server && *server != offering_server_) {
                return {};
            }
            [[fallthrough]];
        case DhcpClientState::rebooting:
        case DhcpClientState::renewing:
        case DhcpClientState::rebinding:
            if (*type == DhcpMessageType::ack) return take_ack(message);
            if (*type == DhcpMessageType::nak) return take_nak(message, now);
            return {};
        case DhcpClientState::init:
        case DhcpClientState::init_reboot:
        case DhcpClientState::bound:
            return {};  // no exchange in flight: a late duplicate
    }
    return {};
}

DhcpClientActions DhcpClient::take_ack(const DhcpMessage& ack) {
    DhcpLease lease;
    lease.address = ack.your_address;
    auto lease_seconds = ack.u32(option::kLeaseTime);
    // §4.3.1: an ACK to a REQUEST carries the lease time; without one, or without an
    // address, it cannot be used: wait for a retransmission's answer.
    if (lease.address.value == 0 || !lease_seconds || *lease_seconds == 0) return {};
    lease.lease_seconds = *lease_seconds;
    lease.prefix_length = prefix_length_of(ack);
    lease.server = ack.address(option::kServerIdentifier).value_or(lease_ ? lease_->server : offering_server_);
    lease.routers = ack.addresses(option::kRouter);
    lease.dns_servers = ack.addresses(option::kDomainNameServer);
    lease.domain = ack.text(option::kDomainName).value_or("");
    // §4.4.5: T1 defaults to half the lease, T2 to 7/8; a server's values are used when
    // they keep 0 < T1 <= T2 <= the lease. T1 is at least a second: a T1 of 0 would have
    // the client renew again the moment each renewal is acknowledged.
    std::uint64_t length = lease.lease_seconds;
    std::uint64_t t1 = ack.u32(option::kRenewalTime).value_or(static_cast<std::uint32_t>(length / 2));
    std::uint64_t t2 = ack.u32(option::kRebindingTime).value_or(static_cast<std::uint32_t>(length * 7 / 8));
    if (!(0 < t1 && t1 <= t2 && t2 <= length)) {
        t1 = length / 2;
        t2 = length * 7 / 8;
    }
    t1 = std::max<std::uint64_t>(t1, 1);
    t2 = std::max(t2, t1);
    lease.renew_seconds = static_cast<std::uint32_t>(t1);
    lease.rebind_seconds = static_cast<std::uint32_t>(t2);
    lease.start = request_start_;

    DhcpClientActions actions;
    bool extension = lease_ && lease_->address == lease.address && lease_->prefix_length == lease.prefix_length &&
                     lease_->routers == lease.routers;
    if (lease_ && !extension) actions.remove = lease_;
    actions.apply = lease;
    actions.event = state_ == DhcpClientState::renewing    ? "dhcp.renewed"
                    : state_ == DhcpClientState::rebinding ? "dhcp.rebound"
                                                           : "dhcp.bound";
    actions.detail = fmt::format("address={}/{} server={} routers={} dns={} lease={}s t1={}s t2={}s",
                                 lease.address.to_string(), lease.prefix_length, lease.server.to_string(),
                                 addresses_text(lease.routers), addresses_text(lease.dns_servers), lease.lease_seconds,
                                 lease.renew_seconds, lease.rebind_seconds);
    // RFC 2131 §4.4.1 says the client SHOULD check the address is unused (ARP) first and
    // DECLINE it if not; this client trusts the server here (see docs/dhcp.md).
    lease_ = lease;
    previous_ = lease.address;
    state_ = DhcpClientState::bound;
    consecutive_naks_ = 0;
    transmissions_ = 0;
    wakeup_ = lease.renew_at();
    return actions;
}

DhcpClientActions DhcpClient::take_nak(const DhcpMessage& nak, ClientTime now) {
    auto detail = fmt::format("in {} from {}: {}; starting over", to_string(state_),
                              nak.address(option::kServerIdentifier).value_or(wire::Ipv4Address{}).to_string(),
                              nak.text(option::kMessage).value_or("no reason given"));
    // §3.1 step 5, §3.2 step 5: a NAK sends the client back to INIT; the address it had
    // is not worth asking for again.
    previous_.reset();
    ++consecutive_naks_;
    auto actions = restart(now, "dhcp.nak", std::move(detail));
    if (consecutive_naks_ > 1) {
        // A server that NAKs every REQUEST would otherwise keep the client in a tight loop:
        // the DISCOVER waits out a backoff instead of leaving now.
        actions.send.reset();
        state_ = DhcpClientState::init;
        transmissions_ = std::min(consecutive_naks_ - 1, 8);
        wakeup_ = now + backoff();
    }
    return actions;
}

DhcpClientActions DhcpClient::wake(ClientTime now) {
    if (now < wakeup_) return {};
    switch (state_) {
        case DhcpClientState::init:
        case DhcpClientState::selecting:
            return discover(now);
        case DhcpClientState::requesting:
            if (transmissions_ < settings_.request_attempts) return request_offered(now);
            return restart(now, "dhcp.request_unanswered",
                           fmt::format("{} REQUESTs for {} got no answer; starting over", transmissions_,
                                       offered_.to_string()));
        case DhcpClientState::init_reboot:
            return request_previous(now);
        case DhcpClientState::rebooting:
            if (transmissions_ < settings_.request_attempts) return request_previous(now);
            // §3.2: no answer to INIT-REBOOT; DISCOVER, still hoping for the same address.
            return restart(now, "dhcp.reboot_unanswered",
                           fmt::format("nobody confirmed {}; discovering", previous_->to_string()));
        case DhcpClientState::bound:
        case DhcpClientState::renewing:
        case DhcpClientState::rebinding:
            if (now < lease_->expires_at()) return request_extension(now, now >= lease_->rebind_at());
            // §4.4.5: the lease ran out with nobody extending it: stop using the address.
            return restart(now, "dhcp.expired",
                           fmt::format("address={} nobody renewed it; starting over", lease_->address.to_string()));
    }
    return {};
}

DhcpClientActions DhcpClient::release(ClientTime now) {
    DhcpClientActions actions;
    wakeup_ = ClientTime::max();
    if (!lease_) {
        state_ = DhcpClientState::init;
        return actions;
    }
    // §4.4.6: RELEASE, unicast to the server, with ciaddr and the server identifier.
    xid_ = new_xid();
    exchange_start_ = now;
    auto message = base_message(DhcpMessageType::release, now);
    message.client_address = lease_->address;
    message.set_address(option::kServerIdentifier, lease_->server);
    actions.send = DhcpSend{std::move(message), DhcpPath::udp_unicast, lease_->server};
    actions.remove = lease_;
    actions.event = "dhcp.released";
    actions.detail = fmt::format("address={} server={}", lease_->address.to_string(), lease_->server.to_string());
    lease_.reset();
    previous_.reset();
    state_ = DhcpClientState::init;
    return actions;
}

}  // namespace emu::host
