// libFuzzer: any bytes as a server's reply to emu-host's DHCP client. The first byte picks
// the state the client is in when it arrives (SELECTING, REQUESTING, RENEWING, REBOOTING),
// the second whether the reply is made to match the client's transaction (xid and chaddr),
// the rest is the message. Whatever the reply, the client must stay consistent: a lease it
// applies has an address, a usable prefix and T1 <= T2 <= the lease; it has an address
// exactly in BOUND, RENEWING and REBINDING; and it always has a next wakeup to come.
#include <cstdint>
#include <cstdlib>

#include "nodes/host/dhcp_client.hpp"

using namespace emu;
using namespace emu::host;
using wire::DhcpMessage;
using wire::DhcpMessageType;
namespace option = wire::dhcp_option;

namespace {

const auto kMac = wire::MacAddress{{2, 0, 0, 0, 0, 7}};
constexpr ClientTime kStart{1'000'000};

DhcpMessage reply_to(const DhcpClient& client, DhcpMessageType type) {
    DhcpMessage message;
    message.op = DhcpMessage::kBootReply;
    message.xid = client.transaction_id();
    message.your_address = wire::Ipv4Address{0x0a000164};
    message.set_client_mac(kMac);
    message.set(option::kMessageType, {static_cast<std::uint8_t>(type)});
    message.set_address(option::kServerIdentifier, wire::Ipv4Address{0x0a000102});
    message.set_u32(option::kLeaseTime, 600);
    return message;
}

void check(const DhcpClient& client, const DhcpClientActions& actions, ClientTime now) {
    if (actions.apply) {
        const auto& lease = *actions.apply;
        if (lease.address.value == 0 || lease.prefix_length < 1 || lease.prefix_length > 32) std::abort();
        if (!(lease.renew_seconds <= lease.rebind_seconds && lease.rebind_seconds <= lease.lease_seconds)) std::abort();
    }
    auto state = client.state();
    bool leased = state == DhcpClientState::bound || state == DhcpClientState::renewing ||
                  state == DhcpClientState::rebinding;
    if (leased != client.has_address()) std::abort();
    if (client.next_wakeup() <= now) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    auto message = wire::parse_dhcp(wire::Bytes(data + 2, size - 2));
    if (!message) return 0;

    DhcpClientSettings settings;
    settings.mac = kMac;
    settings.seed = data[0];
    auto setup = data[0] % 4;
    DhcpClient client(settings, setup == 3 ? std::optional(wire::Ipv4Address{0x0a000164}) : std::nullopt);
    auto now = kStart;
    client.start(now);
    if (setup == 1 || setup == 2) client.receive(reply_to(client, DhcpMessageType::offer), now);
    if (setup == 2) {
        client.receive(reply_to(client, DhcpMessageType::ack), now);
        now = client.next_wakeup();
        client.wake(now);  // T1: RENEWING
    }
    if ((data[1] & 1) != 0) {
        message->xid = client.transaction_id();
        message->set_client_mac(kMac);
        message->op = DhcpMessage::kBootReply;
    }
    check(client, client.receive(*message, now), now);
    // And on through its timers, a few steps.
    for (int step = 0; step < 4 && client.next_wakeup() != ClientTime::max(); ++step) {
        now = client.next_wakeup();
        check(client, client.wake(now), now);
    }
    check(client, client.release(now), now - ClientTime(1));
    return 0;
}
