#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "lib/wire/http.hpp"

namespace emu::http {

/// The first request in what a connection has sent so far, as far as a server needs to know
/// before answering it: whether it has all arrived (head and body), where it ends, and, when
/// it cannot be served, the status that says why.
struct NextRequest {
    enum class State {
        incomplete,  ///< more bytes are needed
        complete,    ///< `head` is to be answered; the request takes `size` bytes
        refused,     ///< answer `status` with `error`, then close
    };
    State state = State::incomplete;
    bool has_head = false;  ///< the head was read (a refusal may come from its body)
    /// `incomplete`, and the client waits for an answer before it sends the content: the
    /// head is in, it expects 100-continue, and none of the content has come (RFC 9110 §10.1.1).
    bool awaits_continue = false;
    wire::HttpRequestHead head;
    std::size_t size = 0;  ///< head and body
    int status = 0;
    std::string error;
};

/// Reads the next request at the start of `buffer` (RFC 9112 §6.3): its head (the codec's
/// 400, 414, 431, 501, 505 when it is wrong), then a body by Content-Length or chunked,
/// which is read and dropped; a body over `maximum_body` is refused with 413 as soon as that
/// is known, before it arrives. Says when the client awaits 100 Continue.
NextRequest next_request(wire::Bytes buffer, std::uint64_t maximum_body);

}  // namespace emu::http
