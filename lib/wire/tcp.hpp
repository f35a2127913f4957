#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/wire/buffer.hpp"
#include "lib/wire/ip_address.hpp"

namespace emu::wire {

/// TCP header flags (RFC 9293 §3.1, RFC 3168 for CWR and ECE).
namespace tcp_flag {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
inline constexpr std::uint8_t kEce = 0x40;
inline constexpr std::uint8_t kCwr = 0x80;
}  // namespace tcp_flag

/// Flag names in header order, comma-separated: "SYN,ACK".
std::string tcp_flag_names(std::uint8_t flags);

/// A TCP header (RFC 9293 §3.1). Options are kept as the bytes on the wire so a parsed
/// header writes back the same; TcpOptions reads and makes them.
struct TcpHeader {
    static constexpr std::size_t kMinimumSize = 20;
    static constexpr std::size_t kMaximumOptions = 40;

    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
    std::uint32_t sequence = 0;
    std::uint32_t acknowledgment = 0;
    std::uint8_t reserved = 0;  // the 4 bits between data offset and flags
    std::uint8_t flags = 0;
    std::uint16_t window = 0;
    std::uint16_t checksum = 0;
    std::uint16_t urgent_pointer = 0;

    std::size_t header_length() const { return kMinimumSize + option_length_; }
    bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
    Bytes options() const { return Bytes(option_bytes_).first(option_length_); }
    /// Replaces the options; more than 40 bytes, or a length not a multiple of 4, is refused.
    bool set_options(Bytes options);
    /// Sets the checksum over the IPv4 pseudo-header, this header and `payload`.
    void finish(Ipv4Address source, Ipv4Address destination, Bytes payload);
    auto operator<=>(const TcpHeader&) const = default;

private:
    std::array<std::uint8_t, kMaximumOptions> option_bytes_{};
    std::uint8_t option_length_ = 0;
};

/// One SACK block: the edges of a run of received data (RFC 2018 §3).
struct SackBlock {
    std::uint32_t left = 0;
    std::uint32_t right = 0;
    auto operator<=>(const SackBlock&) const = default;
};

/// The options a TCP of today sends (RFC 9293 §3.2, RFC 7323, RFC 2018).
struct TcpOptions {
    std::optional<std::uint16_t> maximum_segment_size;
    std::optional<std::uint8_t> window_scale;
    bool sack_permitted = false;
    std::vector<SackBlock> sack;
    std::optional<std::uint32_t> timestamp_value;
    std::optional<std::uint32_t> timestamp_echo;
    /// Kinds of options read but not known here, in order (they are skipped by length).
    std::vector<std::uint8_t> unknown_kinds;

    bool operator==(const TcpOptions&) const = default;
};

/// Reads the option bytes of a header. An option whose length is below 2, runs past the
/// header or does not fit its kind is an error (RFC 9293 §3.2 MUST-7: a receiver must be
/// prepared for any option length).
Parsed<TcpOptions> parse_tcp_options(Bytes options);

/// Lays options out the way Linux does (tcp_options_write), padded with NOPs to 4-byte
/// words, so that a header we make looks like the kernel's own.
std::vector<std::uint8_t> make_tcp_options(const TcpOptions& options);

struct TcpSegment {
    TcpHeader header;
    Bytes payload;
    /// The options read, or why they could not be: a bad option leaves the segment readable.
    Parsed<TcpOptions> options;
};

/// Parses a TCP segment (an IPv4 payload, whole): a data offset of at least 5 words that
/// fits the bytes given. The checksum needs the IP addresses: ipv4_transport_checksum checks it.
Parsed<TcpSegment> parse_tcp(Bytes segment);

/// Appends the header as stored.
void write_tcp(Writer& out, const TcpHeader& header);

}  // namespace emu::wire
