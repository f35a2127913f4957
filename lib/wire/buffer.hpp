#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace emu::wire {

/// Bytes as the codecs take them: a view, never owned.
using Bytes = std::span<const std::uint8_t>;

/// Why a packet did not parse, and the byte offset (from the start of the layer) where.
struct WireError {
    std::string what;
    std::size_t offset = 0;

    std::string to_string() const;
};

template <typename T>
using Parsed = tl::expected<T, WireError>;

/// A bounds-checked big-endian reader over one layer's bytes. The first read past the end
/// records a WireError naming the field; that read and every later one yield zeros (or an
/// empty view), so a parser reads a run of fields and then checks `failed()` once before it
/// acts on any of them.
class Reader {
public:
    explicit Reader(Bytes bytes) : bytes_(bytes) {}

    std::size_t offset() const { return offset_; }
    std::size_t remaining() const { return bytes_.size() - offset_; }
    /// Everything not read yet, as a view into the input.
    Bytes rest() const { return bytes_.subspan(offset_); }

    std::uint8_t u8(const char* field);
    std::uint16_t u16(const char* field);
    std::uint32_t u32(const char* field);
    /// The next `count` bytes as a view into the input.
    Bytes bytes(std::size_t count, const char* field);
    /// Skips `count` bytes.
    void skip(std::size_t count, const char* field) { bytes(count, field); }

    bool failed() const { return error_.has_value(); }
    /// The first failure; only when failed().
    const WireError& error() const { return *error_; }
    /// Records a failure of the caller's own (a bad value) at the current offset, unless one is
    /// already recorded.
    void fail(std::string what);

private:
    bool take(std::size_t count, const char* field);

    Bytes bytes_;
    std::size_t offset_ = 0;
    std::optional<WireError> error_;
};

/// "at byte N" errors of a nested layer, moved to the outer layer's offsets.
WireError shifted(WireError error, std::size_t by);

/// Appends big-endian fields to a byte vector.
class Writer {
public:
    explicit Writer(std::vector<std::uint8_t>& out) : out_(out) {}

    void u8(std::uint8_t value) { out_.push_back(value); }
    void u16(std::uint16_t value);
    void u32(std::uint32_t value);
    void bytes(Bytes value) { out_.insert(out_.end(), value.begin(), value.end()); }
    void zeros(std::size_t count) { out_.insert(out_.end(), count, 0); }
    std::size_t size() const { return out_.size(); }

private:
    std::vector<std::uint8_t>& out_;
};

}  // namespace emu::wire
