#include "nodes/host/ping_statistics.hpp"

#include <cmath>

#include <fmt/format.h>

namespace emu::host {
namespace {

std::string milliseconds_with_three_decimals(long double nanoseconds) {
    return fmt::format("{:.3f}", static_cast<double>(nanoseconds / 1e6L));
}

}  // namespace

std::string format_round_trip(std::chrono::nanoseconds round_trip) {
    const double ms = static_cast<double>(round_trip.count()) / 1e6;
    if (ms >= 99.95) return fmt::format("{:.0f}", ms);
    if (ms >= 9.995) return fmt::format("{:.1f}", ms);
    if (ms >= 0.9995) return fmt::format("{:.2f}", ms);
    return fmt::format("{:.3f}", ms);
}

void PingStatistics::sent(std::uint16_t sequence) {
    ++transmitted_;
    answered_[sequence] = false;
}

bool PingStatistics::replied(std::uint16_t sequence, std::chrono::nanoseconds round_trip) {
    if (answered_[sequence]) {
        ++duplicates_;
        return false;
    }
    answered_[sequence] = true;
    const auto ns = round_trip.count();
    if (received_ == 0 || ns < min_) min_ = ns;
    if (received_ == 0 || ns > max_) max_ = ns;
    ++received_;
    sum_ += static_cast<long double>(ns);
    sum_of_squares_ += static_cast<long double>(ns) * static_cast<long double>(ns);
    return true;
}

std::string PingStatistics::summary(const std::string& destination, std::chrono::milliseconds elapsed) const {
    std::string text = fmt::format("--- {} ping statistics ---\n{} packets transmitted, {} received", destination,
                                   transmitted_, received_);
    if (duplicates_ > 0) text += fmt::format(", +{} duplicates", duplicates_);
    if (errors_ > 0) text += fmt::format(", +{} errors", errors_);
    if (transmitted_ > 0) {
        const double lost = static_cast<double>(transmitted_ - std::min(received_, transmitted_));
        text += fmt::format(", {:g}% packet loss", lost * 100.0 / static_cast<double>(transmitted_));
    }
    text += fmt::format(", time {}ms\n", elapsed.count());
    if (received_ > 0) {
        const long double mean = sum_ / static_cast<long double>(received_);
        const long double variance = std::max(0.0L, sum_of_squares_ / static_cast<long double>(received_) - mean * mean);
        // "mdev" is the standard deviation of the round trips, as iputils prints it.
        text += fmt::format("rtt min/avg/max/mdev = {}/{}/{}/{} ms\n", milliseconds_with_three_decimals(min_),
                            milliseconds_with_three_decimals(mean), milliseconds_with_three_decimals(max_),
                            milliseconds_with_three_decimals(std::sqrt(variance)));
    }
    return text;
}

}  // namespace emu::host
