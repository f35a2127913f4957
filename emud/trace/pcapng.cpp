#include "emud/trace/pcapng.hpp"

#include <cstring>

namespace emu::trace::pcapng {
namespace {

constexpr std::uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr std::uint32_t kInterfaceDescription = 1;
constexpr std::uint32_t kInterfaceStatistics = 5;
constexpr std::uint32_t kEnhancedPacket = 6;
constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint16_t kLinkTypeEthernet = 1;

constexpr std::uint16_t kEndOfOptions = 0;
constexpr std::uint16_t kShbUserApplication = 4;
constexpr std::uint16_t kIfName = 2;
constexpr std::uint16_t kIfDescription = 3;
constexpr std::uint16_t kIfTimestampResolution = 9;
constexpr std::uint16_t kEpbFlags = 2;
constexpr std::uint16_t kIsbIfReceived = 4;
constexpr std::uint16_t kIsbIfDropped = 5;

// Fields are in this machine's byte order; readers learn it from the Byte-Order Magic.
template <typename T>
void put(std::vector<std::uint8_t>& out, T value) {
    std::uint8_t bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.insert(out.end(), bytes, bytes + sizeof(T));
}

void pad_to_word(std::vector<std::uint8_t>& out) {
    while (out.size() % 4 != 0) out.push_back(0);
}

void put_option(std::vector<std::uint8_t>& out, std::uint16_t code, const void* value, std::size_t length) {
    put<std::uint16_t>(out, code);
    put<std::uint16_t>(out, static_cast<std::uint16_t>(length));
    auto bytes = static_cast<const std::uint8_t*>(value);
    out.insert(out.end(), bytes, bytes + length);
    pad_to_word(out);
}

void put_string_option(std::vector<std::uint8_t>& out, std::uint16_t code, std::string_view text) {
    if (!text.empty()) put_option(out, code, text.data(), std::min<std::size_t>(text.size(), 0xfff0));
}

void put_timestamp(std::vector<std::uint8_t>& out, std::uint64_t timestamp_ns) {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(timestamp_ns >> 32));
    put<std::uint32_t>(out, static_cast<std::uint32_t>(timestamp_ns));
}

// A block is type, total length, body, total length again; the body is built in place.
class Block {
public:
    Block(std::vector<std::uint8_t>& out, std::uint32_t type) : out_(out), start_(out.size()) {
        put(out_, type);
        put<std::uint32_t>(out_, 0);  // the length, filled in by the destructor
    }
    ~Block() {
        put<std::uint16_t>(out_, kEndOfOptions);
        put<std::uint16_t>(out_, 0);
        auto length = static_cast<std::uint32_t>(out_.size() - start_ + 4);
        std::memcpy(out_.data() + start_ + 4, &length, 4);
        put(out_, length);
    }
    Block(const Block&) = delete;
    Block& operator=(const Block&) = delete;

private:
    std::vector<std::uint8_t>& out_;
    std::size_t start_;
};

}  // namespace

void section_header(std::vector<std::uint8_t>& out, std::string_view application) {
    Block block(out, kSectionHeader);
    put(out, kByteOrderMagic);
    put<std::uint16_t>(out, 1);
    put<std::uint16_t>(out, 0);
    put<std::int64_t>(out, -1);  // section length not known in advance
    put_string_option(out, kShbUserApplication, application);
}

void interface_description(std::vector<std::uint8_t>& out, std::string_view name, std::string_view description,
                           std::uint32_t snap_length) {
    Block block(out, kInterfaceDescription);
    put(out, kLinkTypeEthernet);
    put<std::uint16_t>(out, 0);
    put(out, snap_length);
    put_string_option(out, kIfName, name);
    put_string_option(out, kIfDescription, description);
    std::uint8_t nanoseconds = 9;  // 10^-9 s per unit
    put_option(out, kIfTimestampResolution, &nanoseconds, 1);
}

void enhanced_packet(std::vector<std::uint8_t>& out, std::uint32_t interface_id, std::uint64_t timestamp_ns,
                     wire::Bytes data, std::uint32_t original_length, FrameDirection direction) {
    Block block(out, kEnhancedPacket);
    put(out, interface_id);
    put_timestamp(out, timestamp_ns);
    put(out, static_cast<std::uint32_t>(data.size()));
    put(out, original_length);
    out.insert(out.end(), data.begin(), data.end());
    pad_to_word(out);
    if (direction != FrameDirection::unknown) {
        auto flags = static_cast<std::uint32_t>(direction);  // bits 0-1: inbound 01, outbound 10
        put_option(out, kEpbFlags, &flags, sizeof flags);
    }
}

void interface_statistics(std::vector<std::uint8_t>& out, std::uint32_t interface_id, std::uint64_t timestamp_ns,
                          std::uint64_t received, std::uint64_t dropped) {
    Block block(out, kInterfaceStatistics);
    put(out, interface_id);
    put_timestamp(out, timestamp_ns);
    put_option(out, kIsbIfReceived, &received, sizeof received);
    put_option(out, kIsbIfDropped, &dropped, sizeof dropped);
}

}  // namespace emu::trace::pcapng
