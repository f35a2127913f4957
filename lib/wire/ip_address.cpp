#include "lib/wire/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <bit>
#include <charconv>

namespace emu::wire {
namespace {

// inet_pton wants a NUL-terminated string; a bounded copy keeps hostile input harmless.
template <std::size_t N>
bool copy_terminated(std::string_view text, std::array<char, N>& out) {
    if (text.size() >= N) return false;
    text.copy(out.data(), text.size());
    out[text.size()] = '\0';
    return true;
}

std::uint32_t v4_mask(int length) {
    return length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
}

}  // namespace

tl::expected<Ipv4Address, std::string> Ipv4Address::parse(std::string_view text) {
    std::array<char, 16> buffer{};
    in_addr raw{};
    if (!copy_terminated(text, buffer) || inet_pton(AF_INET, buffer.data(), &raw) != 1) {
        return tl::unexpected("'" + std::string(text) + "' is not an IPv4 address");
    }
    return Ipv4Address{ntohl(raw.s_addr)};
}

std::array<std::uint8_t, 4> Ipv4Address::bytes() const {
    return {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
            static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

std::string Ipv4Address::to_string() const {
    auto b = bytes();
    return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
           std::to_string(b[3]);
}

tl::expected<Ipv6Address, std::string> Ipv6Address::parse(std::string_view text) {
    std::array<char, INET6_ADDRSTRLEN> buffer{};
    Ipv6Address result;
    if (!copy_terminated(text, buffer) || inet_pton(AF_INET6, buffer.data(), result.bytes.data()) != 1) {
        return tl::unexpected("'" + std::string(text) + "' is not an IPv6 address");
    }
    return result;
}

std::string Ipv6Address::to_string() const {
    std::array<char, INET6_ADDRSTRLEN> buffer{};
    inet_ntop(AF_INET6, bytes.data(), buffer.data(), buffer.size());
    return buffer.data();
}

tl::expected<IpAddress, std::string> IpAddress::parse(std::string_view text) {
    if (text.find(':') != std::string_view::npos) {
        auto v6 = Ipv6Address::parse(text);
        if (!v6) return tl::unexpected(v6.error());
        return IpAddress(*v6);
    }
    auto v4 = Ipv4Address::parse(text);
    if (!v4) return tl::unexpected(v4.error());
    return IpAddress(*v4);
}

std::string IpAddress::to_string() const {
    return is_v4() ? v4().to_string() : v6().to_string();
}

tl::expected<IpPrefix, std::string> IpPrefix::parse(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        return tl::unexpected("'" + std::string(text) + "' has no prefix length (write it as address/length, like 10.0.1.10/24)");
    }
    auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) return tl::unexpected(address.error());
    auto length_text = text.substr(slash + 1);
    int length = -1;
    auto [end, ec] = std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
    if (ec != std::errc{} || end != length_text.data() + length_text.size() || length_text.empty() || length < 0 ||
        length > address->family_bits()) {
        return tl::unexpected("'" + std::string(text) + "' has a bad prefix length (0 to " +
                              std::to_string(address->family_bits()) + ")");
    }
    return IpPrefix{*address, length};
}

IpPrefix IpPrefix::network() const {
    if (address.is_v4()) {
        return IpPrefix{Ipv4Address{address.v4().value & v4_mask(length)}, length};
    }
    Ipv6Address masked = address.v6();
    for (int i = 0; i < 16; ++i) {
        int bits_here = std::clamp(length - i * 8, 0, 8);
        masked.bytes[i] &= static_cast<std::uint8_t>(0xff00 >> bits_here);
    }
    return IpPrefix{masked, length};
}

bool IpPrefix::contains(const IpAddress& other) const {
    if (other.is_v4() != address.is_v4()) return false;
    return IpPrefix{other, length}.network().address == network().address;
}

bool IpPrefix::is_broadcast_address() const {
    if (!address.is_v4() || length >= 31) return false;
    return address.v4() == broadcast();
}

Ipv4Address IpPrefix::broadcast() const {
    return Ipv4Address{address.v4().value | ~v4_mask(length)};
}

std::string IpPrefix::to_string() const {
    return address.to_string() + "/" + std::to_string(length);
}

}  // namespace emu::wire

namespace emu::wire {

std::optional<int> ipv4_mask_length(Ipv4Address mask) {
    const int length = std::countl_one(mask.value);
    if (v4_mask(length) != mask.value) return std::nullopt;
    return length;
}

Ipv4Address ipv4_mask(int length) { return Ipv4Address{v4_mask(std::clamp(length, 0, 32))}; }

}  // namespace emu::wire
