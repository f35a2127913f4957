#include "lib/wire/buffer.hpp"

namespace emu::wire {

std::string WireError::to_string() const { return what + " (at byte " + std::to_string(offset) + ")"; }

WireError shifted(WireError error, std::size_t by) {
    error.offset += by;
    return error;
}

void Reader::fail(std::string what) {
    if (!error_) error_ = WireError{std::move(what), offset_};
}

bool Reader::take(std::size_t count, const char* field) {
    if (error_) return false;
    if (remaining() < count) {
        fail(std::string("truncated: ") + field + " needs " + std::to_string(count) + " byte" +
             (count == 1 ? "" : "s") + ", " + std::to_string(remaining()) + " left");
        return false;
    }
    return true;
}

std::uint8_t Reader::u8(const char* field) {
    if (!take(1, field)) return 0;
    return bytes_[offset_++];
}

std::uint16_t Reader::u16(const char* field) {
    if (!take(2, field)) return 0;
    auto value = static_cast<std::uint16_t>(bytes_[offset_] << 8 | bytes_[offset_ + 1]);
    offset_ += 2;
    return value;
}

std::uint32_t Reader::u32(const char* field) {
    if (!take(4, field)) return 0;
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) value = value << 8 | bytes_[offset_ + i];
    offset_ += 4;
    return value;
}

Bytes Reader::bytes(std::size_t count, const char* field) {
    if (!take(count, field)) return {};
    auto view = bytes_.subspan(offset_, count);
    offset_ += count;
    return view;
}

void Writer::u16(std::uint16_t value) {
    out_.push_back(static_cast<std::uint8_t>(value >> 8));
    out_.push_back(static_cast<std::uint8_t>(value));
}

void Writer::u32(std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(value >> shift));
}

}  // namespace emu::wire
