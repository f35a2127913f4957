#include "nodes/host/traceroute.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "lib/net/icmp_socket.hpp"
#include "lib/util/files.hpp"
#include "lib/wire/icmp.hpp"
#include "nodes/host/resolver.hpp"
#include "nodes/host/traceroute_hop.hpp"

namespace emu::host {
namespace {

using Clock = net::IcmpSocket::Clock;

constexpr std::size_t kProbeHeaders = 20 + 8;  // IPv4 header, then the UDP or ICMP header

// One traceroute: a hop at a time, its probes sent together and their answers awaited
// together, one line printed per hop.
class TracerouteRun {
public:
    TracerouteRun(asio::io_context& io, const TracerouteOptions& options, std::ostream& out)
        : io_(io),
          options_(options),
          out_(out),
          udp_(io),
          next_sequence_(options.protocol == ProbeProtocol::udp ? options.port : 1) {}

    /// True when the destination answered.
    asio::awaitable<bool> run() {
        auto resolver_config = parse_resolv_conf(util::read_file("/etc/resolv.conf").value_or(""));
        probe_.protocol = options_.protocol;
        probe_.destination = co_await resolve_ipv4(io_, resolver_config, options_.destination);
        probe_.data_size = options_.packet_length - kProbeHeaders;
        open_sockets();

        out_ << fmt::format("traceroute to {} ({}), {} hops max, {} byte packets", options_.destination,
                            probe_.destination.to_string(), options_.max_ttl, options_.packet_length)
             << std::endl;
        for (int ttl = options_.first_ttl; ttl <= options_.max_ttl; ++ttl) {
            auto probes = co_await probe_hop(ttl);
            out_ << format_hop(ttl, probes, options_.protocol) << std::endl;
            if (hop_ends_trace(probes)) co_return hop_reached_destination(probes);
        }
        co_return false;
    }

private:
    void open_sockets() {
        std::initializer_list<std::uint8_t> udp_answers{wire::icmp_type::kDestinationUnreachable,
                                                        wire::icmp_type::kTimeExceeded,
                                                        wire::icmp_type::kParameterProblem};
        std::initializer_list<std::uint8_t> echo_answers{wire::icmp_type::kEchoReply,
                                                         wire::icmp_type::kDestinationUnreachable,
                                                         wire::icmp_type::kTimeExceeded,
                                                         wire::icmp_type::kParameterProblem};
        icmp_.emplace(io_, options_.protocol == ProbeProtocol::udp ? udp_answers : echo_answers);
        if (!options_.interface.empty()) icmp_->bind_to_device(options_.interface);
        if (options_.protocol == ProbeProtocol::icmp_echo) {
            probe_.identifier = static_cast<std::uint16_t>(::getpid());
            return;
        }
        // The probes' source port is what tells the answers to them from anyone else's.
        udp_.open(asio::ip::udp::v4());
        if (!options_.interface.empty() &&
            ::setsockopt(udp_.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, options_.interface.c_str(),
                         static_cast<socklen_t>(options_.interface.size())) != 0) {
            throw boost::system::system_error(errno, boost::system::system_category(), "SO_BINDTODEVICE");
        }
        udp_.bind({asio::ip::address_v4::any(), 0});
        probe_.identifier = udp_.local_endpoint().port();
    }

    asio::awaitable<std::vector<HopProbe>> probe_hop(int ttl) {
        const auto queries = static_cast<std::size_t>(options_.queries);
        std::vector<HopProbe> probes(queries);
        std::vector<Clock::time_point> sent_at(queries);
        std::map<std::uint16_t, std::size_t> index_of_sequence;
        for (std::size_t i = 0; i < queries; ++i) {
            const auto sequence = next_sequence_++;
            index_of_sequence[sequence] = i;
            sent_at[i] = send(sequence, ttl);
        }
        const auto deadline = std::chrono::steady_clock::now() +
                              std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::duration<double>(options_.wait_seconds));
        for (std::size_t answered = 0; answered < queries;) {
            auto received = co_await icmp_->receive_until(deadline);
            if (!received) break;
            auto answer = read_probe_answer(received->datagram, probe_);
            if (!answer) continue;
            auto found = index_of_sequence.find(answer->sequence);
            // Late answers to an earlier hop's probes are not this hop's.
            if (found == index_of_sequence.end() || probes[found->second].answer) continue;
            probes[found->second] = {answer, received->at - sent_at[found->second]};
            ++answered;
        }
        co_return probes;
    }

    Clock::time_point send(std::uint16_t sequence, int ttl) {
        boost::system::error_code error;
        Clock::time_point sent_at;
        if (options_.protocol == ProbeProtocol::icmp_echo) {
            icmp_->set_ttl(ttl);
            auto sent = icmp_->send(echo_request(probe_.identifier, sequence, probe_.data_size), probe_.destination);
            if (sent) return *sent;
            error = sent.error();
        } else {
            udp_.set_option(asio::ip::unicast::hops(ttl));
            const auto data = probe_data(probe_.data_size);
            sent_at = Clock::now();
            udp_.send_to(asio::buffer(data), {asio::ip::address_v4(probe_.destination.value), sequence}, 0, error);
            if (!error) return sent_at;
        }
        throw std::runtime_error(fmt::format("sendto {}: {}", probe_.destination.to_string(), error.message()));
    }

    asio::io_context& io_;
    const TracerouteOptions& options_;
    std::ostream& out_;
    std::optional<net::IcmpSocket> icmp_;
    asio::ip::udp::socket udp_;
    ProbeIdentity probe_;
    // UDP: the destination port, one more for every probe (Linux traceroute's way); ICMP: the
    // echo sequence number.
    std::uint16_t next_sequence_;
};

}  // namespace

int run_traceroute(const TracerouteOptions& options, std::ostream& out) {
    if (options.packet_length < kProbeHeaders || options.packet_length > 65000) {
        std::cerr << fmt::format("emu-host traceroute: a packet of {} bytes: it must be {} to 65000\n",
                                 options.packet_length, kProbeHeaders);
        return 2;
    }
    asio::io_context io;
    TracerouteRun traceroute(io, options, out);
    std::optional<bool> reached;
    std::exception_ptr failure;
    asio::co_spawn(io, traceroute.run(), [&](std::exception_ptr error, bool got_there) {
        failure = error;
        if (!error) reached = got_there;
        io.stop();
    });
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& error, int) {
        if (!error) io.stop();
    });
    try {
        io.run();
        if (failure) std::rethrow_exception(failure);
    } catch (const std::exception& error) {
        std::cerr << "emu-host traceroute: " << error.what() << '\n';
        return 2;
    }
    if (!reached) return 1;  // interrupted
    return *reached ? 0 : 1;
}

}  // namespace emu::host
