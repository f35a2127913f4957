#include "nodes/host/ping.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <iostream>

#include <fmt/format.h>

#include "lib/net/icmp_socket.hpp"
#include "lib/util/files.hpp"
#include "lib/wire/icmp.hpp"
#include "nodes/host/icmp_probe.hpp"
#include "nodes/host/ping_statistics.hpp"
#include "nodes/host/resolver.hpp"

namespace emu::host {
namespace {

using Clock = net::IcmpSocket::Clock;

std::chrono::steady_clock::duration seconds(double value) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(value));
}

// One run of ping: a loop that sends a request every interval, a loop that reads what comes
// back, and a stop that ends both and prints the statistics.
class PingRun {
public:
    PingRun(asio::io_context& io, const PingOptions& options, std::ostream& out)
        : io_(io), options_(options), out_(out), next_send_(io), deadline_(io), sent_at_(65536) {}

    asio::awaitable<void> run() {
        auto resolver_config = parse_resolv_conf(util::read_file("/etc/resolv.conf").value_or(""));
        probe_.destination = co_await resolve_ipv4(io_, resolver_config, options_.destination);
        probe_.identifier = static_cast<std::uint16_t>(::getpid());
        probe_.data_size = options_.data_size;
        socket_.emplace(io_, std::initializer_list<std::uint8_t>{
                                 wire::icmp_type::kEchoReply, wire::icmp_type::kDestinationUnreachable,
                                 wire::icmp_type::kRedirect, wire::icmp_type::kTimeExceeded,
                                 wire::icmp_type::kParameterProblem});
        socket_->set_ttl(options_.ttl);
        if (!options_.interface.empty()) socket_->bind_to_device(options_.interface);

        out_ << fmt::format("PING {} ({}) {}({}) bytes of data.", options_.destination, probe_.destination.to_string(),
                            options_.data_size, options_.data_size + wire::IcmpHeader::kSize + 20)
             << std::endl;
        started_ = std::chrono::steady_clock::now();
        if (options_.deadline_seconds) {
            deadline_.expires_after(seconds(*options_.deadline_seconds));
            deadline_.async_wait([this](const boost::system::error_code& error) {
                if (!error) stop();
            });
        }
        asio::co_spawn(io_, receive_loop(), [this](std::exception_ptr error) {
            if (!error) return;
            failure_ = error;
            stop();
        });
        co_await send_loop();
    }

    void stop() {
        if (stopped_) return;
        stopped_ = true;
        elapsed_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
        io_.stop();
    }

    bool started() const { return socket_.has_value(); }
    /// What ended the receiving loop, if it failed.
    std::exception_ptr failure() const { return failure_; }

    int finish() {
        if (!stopped_) stop();
        out_ << '\n' << statistics_.summary(options_.destination, elapsed_) << std::flush;
        return statistics_.received() > 0 ? 0 : 1;
    }

private:
    asio::awaitable<void> send_loop() {
        boost::system::error_code ignored;
        for (std::uint64_t number = 1; !options_.count || number <= *options_.count; ++number) {
            send(static_cast<std::uint16_t>(number));
            if (options_.count && number == *options_.count) break;
            next_send_.expires_at(started_ + seconds(options_.interval_seconds * static_cast<double>(number)));
            co_await next_send_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        }
        last_sent_ = true;
        if (all_answered()) {
            stop();
            co_return;
        }
        // iputils' linger: the last request waits -W when nothing has come back at all, else
        // twice the longest round trip so far, and at least the interval.
        auto linger = seconds(options_.timeout_seconds);
        if (statistics_.received() > 0) {
            linger = std::max<std::chrono::steady_clock::duration>(2 * statistics_.longest_round_trip(),
                                                                  seconds(options_.interval_seconds));
        }
        next_send_.expires_after(linger);
        co_await next_send_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        stop();
    }

    void send(std::uint16_t sequence) {
        statistics_.sent(sequence);
        sent_at_[sequence].reset();  // the number may have been used 65536 requests ago
        auto sent = socket_->send(echo_request(probe_.identifier, sequence, options_.data_size), probe_.destination);
        if (!sent) {
            statistics_.error();
            std::cerr << "emu-host ping: sendto " << probe_.destination.to_string() << ": " << sent.error().message()
                      << '\n';
            return;
        }
        sent_at_[sequence] = *sent;
    }

    asio::awaitable<void> receive_loop() {
        while (!stopped_) {
            auto received = co_await socket_->receive();
            auto answer = read_probe_answer(received.datagram, probe_);
            if (!answer || !sent_at_[answer->sequence]) continue;
            if (answer->is_echo_reply()) {
                show_reply(*answer, received.at - *sent_at_[answer->sequence]);
            } else {
                show_error(*answer);
            }
            if (last_sent_ && all_answered()) stop();
        }
    }

    void show_reply(const ProbeAnswer& answer, Clock::duration round_trip) {
        const auto rtt = std::chrono::duration_cast<std::chrono::nanoseconds>(round_trip);
        const bool first = statistics_.replied(answer.sequence, rtt);
        if (options_.quiet) return;
        out_ << fmt::format("{} bytes from {}: icmp_seq={} ttl={} time={} ms{}{}", answer.icmp_size,
                            answer.responder.to_string(), answer.sequence, answer.ttl, format_round_trip(rtt),
                            first ? "" : " (DUP!)", answer.data_intact ? "" : " (wrong data)")
             << std::endl;
    }

    void show_error(const ProbeAnswer& answer) {
        // A redirect is advice about the next hop; the request itself was forwarded.
        if (answer.type != wire::icmp_type::kRedirect) statistics_.error();
        if (options_.quiet) return;
        out_ << fmt::format("From {} icmp_seq={} {}", answer.responder.to_string(), answer.sequence,
                            describe_icmp_error(answer))
             << std::endl;
    }

    bool all_answered() const {
        return statistics_.received() + statistics_.errors() >= statistics_.transmitted();
    }

    asio::io_context& io_;
    const PingOptions& options_;
    std::ostream& out_;
    std::optional<net::IcmpSocket> socket_;
    ProbeIdentity probe_;
    asio::steady_timer next_send_;
    asio::steady_timer deadline_;
    std::vector<std::optional<Clock::time_point>> sent_at_;
    PingStatistics statistics_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::milliseconds elapsed_{0};
    std::exception_ptr failure_;
    bool last_sent_ = false;
    bool stopped_ = false;
};

}  // namespace

int run_ping(const PingOptions& options, std::ostream& out) {
    asio::io_context io;
    PingRun ping(io, options, out);
    std::exception_ptr failure;
    asio::co_spawn(io, ping.run(), [&](std::exception_ptr error) {
        if (!error) return;
        failure = error;
        io.stop();
    });
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& error, int) {
        if (!error) ping.stop();
    });
    try {
        io.run();
        if (failure) std::rethrow_exception(failure);
        if (ping.failure()) std::rethrow_exception(ping.failure());
    } catch (const std::exception& error) {
        std::cerr << "emu-host ping: " << error.what() << '\n';
        return 2;
    }
    if (!ping.started()) return 2;
    return ping.finish();
}

}  // namespace emu::host
