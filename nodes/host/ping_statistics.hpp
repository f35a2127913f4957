#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace emu::host {

/// A round trip as ping prints it: three significant digits of milliseconds ("0.093",
/// "1.25", "12.3", "104").
std::string format_round_trip(std::chrono::nanoseconds round_trip);

/// What one run of ping counts: requests sent, replies (a second reply to the same request is
/// a duplicate, counted apart), ICMP errors, and the round trips' minimum, mean, maximum and
/// standard deviation (what iputils calls mdev).
class PingStatistics {
public:
    /// Request `sequence` went out (a number used again after 65536 requests is new again).
    void sent(std::uint16_t sequence);
    /// A reply to request `sequence`; false when that request had been answered already.
    bool replied(std::uint16_t sequence, std::chrono::nanoseconds round_trip);
    void error() { ++errors_; }

    std::uint64_t transmitted() const { return transmitted_; }
    std::uint64_t received() const { return received_; }
    std::uint64_t duplicates() const { return duplicates_; }
    std::uint64_t errors() const { return errors_; }
    std::chrono::nanoseconds longest_round_trip() const { return std::chrono::nanoseconds(max_); }

    /// The closing lines: "--- DEST ping statistics ---", the counts with the loss and the
    /// time taken, and the round trips when there were replies.
    std::string summary(const std::string& destination, std::chrono::milliseconds elapsed) const;

private:
    std::uint64_t transmitted_ = 0;
    std::uint64_t received_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t errors_ = 0;
    std::vector<bool> answered_ = std::vector<bool>(65536);
    // In nanoseconds; the sum of squares is a long double so that an hour of one-second
    // round trips does not overflow.
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
    long double sum_ = 0;
    long double sum_of_squares_ = 0;
};

}  // namespace emu::host
