#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/wire/buffer.hpp"

namespace emu::wire {

/// One header field as it came (RFC 9110 §5): the name's case kept, the value without the
/// whitespace around it.
struct HttpField {
    std::string name;
    std::string value;
    bool operator==(const HttpField&) const = default;
};

/// A header section: fields in order. Names compare without case (RFC 9110 §5.1).
struct HttpFields {
    std::vector<HttpField> fields;

    /// The first field called `name`, or null.
    const HttpField* find(std::string_view name) const;
    /// How many fields are called `name`.
    std::size_t count(std::string_view name) const;
    /// Every value of `name` joined by ", " (RFC 9110 §5.3), or nullopt when there is none.
    std::optional<std::string> combined(std::string_view name) const;
    /// Whether a list field (RFC 9110 §5.6.1) called `name` holds `token`, compared without
    /// case: `Connection: keep-alive, Upgrade` holds "upgrade".
    bool has_token(std::string_view name, std::string_view token) const;
    void add(std::string name, std::string value) { fields.push_back({std::move(name), std::move(value)}); }
    /// Replaces every field called `name` by one, or appends it.
    void set(std::string name, std::string value);
    bool operator==(const HttpFields&) const = default;
};

struct HttpVersion {
    int major = 1;
    int minor = 1;
    bool operator==(const HttpVersion&) const = default;
};

/// A request line and its fields (RFC 9112 §3, §5).
struct HttpRequestHead {
    std::string method;
    std::string target;
    HttpVersion version;
    HttpFields fields;
    bool operator==(const HttpRequestHead&) const = default;
};

/// A status line and its fields (RFC 9112 §4, §5).
struct HttpResponseHead {
    HttpVersion version;
    int status = 200;
    std::string reason;
    HttpFields fields;
    bool operator==(const HttpResponseHead&) const = default;
};

/// The limits a reader holds a peer to; going past one is an error with the status a server
/// answers it with (RFC 9110 §15: 414 for a long request line, 431 for large fields).
struct HttpLimits {
    std::size_t line = 8192;           ///< the request or status line
    std::size_t field_section = 65536;  ///< every field line together
    std::size_t fields = 128;           ///< how many field lines
};

/// What reading a head from the front of a buffer came to.
template <typename Head>
struct HttpHeadResult {
    enum class State { incomplete, complete, error };
    State state = State::incomplete;
    Head head;
    std::size_t size = 0;  ///< for `complete`: the bytes the head took, its empty line included
    int status = 0;        ///< for `error`: what a server answers (400, 414, 431, 505)
    std::string error;     ///< for `error`: why
};

/// Reads a request head (RFC 9112 §2.2, §3, §5) from the bytes a connection has received so
/// far. Lines end in CRLF (a bare LF is taken too, §2.2); empty lines before the request line
/// are skipped. Refused (400) as the RFC asks a server to: a bare CR, whitespace between a
/// field name and its colon (§5.1), a folded line (§5.2), a field name that is not a token,
/// a control character in a value; 414 for a request line over the limit, 431 for fields
/// over theirs, 505 for an HTTP major version other than 1.
HttpHeadResult<HttpRequestHead> read_request_head(Bytes buffer, const HttpLimits& limits = {});

/// Reads a response head (RFC 9112 §4) the same way, for a client.
HttpHeadResult<HttpResponseHead> read_response_head(Bytes buffer, const HttpLimits& limits = {});

/// A head as bytes on the wire: the line, each field, the empty line, each ending in CRLF.
std::string write_request_head(const HttpRequestHead& head);
std::string write_response_head(const HttpResponseHead& head);

/// How a message's body is delimited (RFC 9112 §6.3).
struct HttpBodyFraming {
    enum class Kind { none, length, chunked, until_close };
    Kind kind = Kind::none;
    std::uint64_t length = 0;  ///< for `length`
};

/// A request's body framing, or the error a server answers with (400 for both
/// Transfer-Encoding and Content-Length, for differing or bad Content-Lengths, for a
/// transfer coding whose last is not chunked; 501 for a coding other than chunked).
struct HttpFramingResult {
    HttpBodyFraming framing;
    int status = 0;  ///< 0: fine
    std::string error;
};
HttpFramingResult request_body_framing(const HttpRequestHead& head);
/// A response's body framing, given the request's method (HEAD: none; a 2xx to CONNECT: none,
/// a tunnel follows) — 1xx, 204 and 304 have none (RFC 9112 §6.3 rules 1–2); without a
/// length or chunked, until the connection closes.
HttpFramingResult response_body_framing(const HttpResponseHead& head, std::string_view request_method);

/// Decodes a chunked body (RFC 9112 §7.1) as its bytes arrive; chunk extensions are skipped,
/// trailer fields read and dropped.
class ChunkedDecoder {
public:
    explicit ChunkedDecoder(std::uint64_t maximum_body = std::uint64_t{1} << 32) : maximum_(maximum_body) {}

    /// Takes what it can from `input`, appending body bytes to `body`; returns how many bytes
    /// of `input` it used. Stops at the end of the body (done()) or at an error (failed()).
    std::size_t feed(Bytes input, std::vector<std::uint8_t>& body);
    bool done() const { return state_ == State::done; }
    bool failed() const { return state_ == State::failed; }
    const std::string& error() const { return error_; }

private:
    enum class State { size, data, data_end, trailer, done, failed };
    std::size_t fail(std::string why, std::size_t used);

    std::uint64_t maximum_;
    std::uint64_t total_ = 0;
    State state_ = State::size;
    std::string line_;
    std::uint64_t remaining_ = 0;
    std::string error_;
};

/// A body as one chunk followed by the last chunk (RFC 9112 §7.1); an empty body is just the last chunk.
std::string chunked(std::string_view body);

/// Why a status is what it is (RFC 9110 §15): "OK", "Not Found" …; "" when unknown.
std::string_view http_reason(int status);

}  // namespace emu::wire
