#include "lib/net/link_sender.hpp"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <vector>

#include "lib/net/background_close.hpp"
#include "lib/util/system_error.hpp"
#include "lib/wire/ipv4.hpp"
#include "lib/wire/udp.hpp"

namespace emu::net {

Ipv4LinkSender::Ipv4LinkSender() : socket_(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    if (!socket_) util::throw_errno("socket(AF_PACKET, SOCK_DGRAM)");
}

Ipv4LinkSender::~Ipv4LinkSender() { close_in_background(std::move(socket_)); }

bool Ipv4LinkSender::send(int ifindex, const wire::MacAddress& to, const Udp& addressing, wire::Bytes payload) {
    wire::UdpHeader udp;
    udp.source_port = addressing.source_port;
    udp.destination_port = addressing.destination_port;
    udp.finish(addressing.source, addressing.destination, payload);
    wire::Ipv4Header ip;
    ip.ttl = 64;
    ip.protocol = wire::ip_protocol::kUdp;
    ip.source = addressing.source;
    ip.destination = addressing.destination;
    ip.finish(wire::UdpHeader::kSize + payload.size());
    std::vector<std::uint8_t> packet;
    wire::Writer out(packet);
    wire::write_ipv4(out, ip);
    wire::write_udp(out, udp);
    out.bytes(payload);

    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_IP);
    address.sll_ifindex = ifindex;
    address.sll_halen = static_cast<unsigned char>(to.bytes.size());
    std::memcpy(address.sll_addr, to.bytes.data(), to.bytes.size());
    return ::sendto(socket_.get(), packet.data(), packet.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&address),
                    sizeof address) == static_cast<ssize_t>(packet.size());
}

}  // namespace emu::net
