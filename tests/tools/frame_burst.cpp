// frame_burst: sends a bounded burst of identical small UDP frames out of one interface of
// the namespace it runs in, through a packet socket (sendmmsg, qdisc bypassed), paced to a
// rate or as fast as one core can. ci/bench-capture runs it inside a lab node to offer the
// capture more frames per second than iperf3 can, to find where capture starts to drop.
// It stops by itself after --frames or --seconds, whichever comes first.
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "lib/util/system_error.hpp"
#include "lib/util/unique_fd.hpp"
#include "lib/wire/ethernet.hpp"
#include "lib/wire/ipv4.hpp"
#include "lib/wire/udp.hpp"

namespace {

using namespace emu;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kBatch = 256;

wire::MacAddress interface_mac(int fd, const std::string& interface) {
    ifreq request{};
    std::strncpy(request.ifr_name, interface.c_str(), IFNAMSIZ - 1);
    if (::ioctl(fd, SIOCGIFHWADDR, &request) < 0) util::throw_errno("SIOCGIFHWADDR " + interface);
    wire::MacAddress mac;
    std::memcpy(mac.bytes.data(), request.ifr_hwaddr.sa_data, mac.bytes.size());
    return mac;
}

std::vector<std::uint8_t> make_frame(const wire::MacAddress& source_mac, const wire::MacAddress& destination_mac,
                                     wire::Ipv4Address source, wire::Ipv4Address destination, std::size_t payload_size) {
    std::vector<std::uint8_t> payload(payload_size, 0x5a);
    wire::UdpHeader udp;
    udp.source_port = 40000;
    udp.destination_port = 9;  // discard (RFC 863): nothing listens, nothing answers but ICMP, rate-limited
    udp.finish(source, destination, payload);
    wire::Ipv4Header ip;
    ip.protocol = 17;
    ip.source = source;
    ip.destination = destination;
    ip.finish(wire::UdpHeader::kSize + payload.size());
    std::vector<std::uint8_t> frame;
    wire::Writer out(frame);
    wire::write_ethernet(out, {destination_mac, source_mac, std::nullopt, 0x0800});
    wire::write_ipv4(out, ip);
    wire::write_udp(out, udp);
    out.bytes(payload);
    return frame;
}

template <typename T>
T parsed(const tl::expected<T, std::string>& value, const std::string& what) {
    if (!value) throw std::runtime_error(what + ": " + value.error());
    return *value;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Sends a bounded burst of small UDP frames out of an interface, for capture benchmarks."};
    std::string interface = "eth0", destination_mac_text, source_text, destination_text;
    std::uint64_t frames = 100000, rate = 0;
    double seconds = 3;
    std::size_t payload_size = 16;
    app.add_option("--interface", interface, "send out of this interface")->capture_default_str();
    app.add_option("--dst-mac", destination_mac_text, "the next hop's MAC")->required();
    app.add_option("--src", source_text, "IPv4 source address")->required();
    app.add_option("--dst", destination_text, "IPv4 destination address")->required();
    app.add_option("--frames", frames, "send at most this many")->capture_default_str();
    app.add_option("--rate", rate, "frames per second; 0: as fast as it can")->capture_default_str();
    app.add_option("--seconds", seconds, "stop after this long at the latest")->capture_default_str();
    app.add_option("--payload", payload_size, "UDP payload bytes")->capture_default_str()->check(CLI::Range(0, 1400));
    CLI11_PARSE(app, argc, argv);

    try {
        util::UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));  // protocol 0: send only
        if (!fd) util::throw_errno("socket(AF_PACKET)");
        int one = 1;
        ::setsockopt(fd.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);  // best effort
        sockaddr_ll address{};
        address.sll_family = AF_PACKET;
        address.sll_ifindex = static_cast<int>(::if_nametoindex(interface.c_str()));
        if (address.sll_ifindex == 0) util::throw_errno("no interface " + interface);
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) util::throw_errno("bind");

        auto frame = make_frame(interface_mac(fd.get(), interface),
                                parsed(wire::MacAddress::parse(destination_mac_text), "--dst-mac"),
                                parsed(wire::Ipv4Address::parse(source_text), "--src"),
                                parsed(wire::Ipv4Address::parse(destination_text), "--dst"), payload_size);
        std::vector<iovec> vectors(kBatch, iovec{frame.data(), frame.size()});
        std::vector<mmsghdr> messages(kBatch);
        for (std::size_t i = 0; i < kBatch; ++i) {
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }

        auto start = Clock::now();
        auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
        std::uint64_t sent = 0, refused = 0;
        while (sent < frames && Clock::now() < deadline) {
            auto batch = static_cast<unsigned>(std::min<std::uint64_t>(kBatch, frames - sent));
            if (rate > 0) {
                // Pacing, not synchronisation: the batch may not leave before its time.
                auto due = start + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(static_cast<double>(sent) / static_cast<double>(rate)));
                std::this_thread::sleep_until(due);
            }
            int n = ::sendmmsg(fd.get(), messages.data(), batch, 0);
            if (n < 0) {
                if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
                    ++refused;
                    continue;
                }
                util::throw_errno("sendmmsg");
            }
            sent += static_cast<std::uint64_t>(n);
        }
        double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        std::cout << fmt::format("sent {} frames in {:.3f} s: {:.0f} frames/s ({} refused batches)\n", sent, elapsed,
                                 static_cast<double>(sent) / elapsed, refused);
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "frame_burst: " << error.what() << '\n';
        return 1;
    }
}
