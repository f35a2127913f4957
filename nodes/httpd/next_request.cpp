#include "nodes/httpd/next_request.hpp"

#include <vector>

#include <fmt/format.h>

namespace emu::http {
namespace {

std::string too_large(std::uint64_t maximum_body) {
    auto limit = maximum_body % (1 << 20) == 0 ? fmt::format("{} MiB", maximum_body >> 20)
                                               : fmt::format("{} bytes", maximum_body);
    return "the request body is larger than " + limit;
}

NextRequest refused(NextRequest request, int status, std::string error) {
    request.state = NextRequest::State::refused;
    request.status = status;
    request.error = std::move(error);
    return request;
}

}  // namespace

NextRequest next_request(wire::Bytes buffer, std::uint64_t maximum_body) {
    using HeadState = wire::HttpHeadResult<wire::HttpRequestHead>::State;
    NextRequest request;
    auto parsed = wire::read_request_head(buffer);
    if (parsed.state == HeadState::incomplete) return request;
    if (parsed.state == HeadState::error) return refused(std::move(request), parsed.status, parsed.error);
    request.has_head = true;
    request.head = std::move(parsed.head);
    auto framing = wire::request_body_framing(request.head);
    if (framing.status != 0) return refused(std::move(request), framing.status, framing.error);
    auto body = buffer.subspan(parsed.size);
    // RFC 9110 §10.1.1: the client waits for an answer before it sends the content (an
    // HTTP/1.0 request's expectation is ignored); once some has come, it no longer does.
    bool awaits_continue = request.head.version.minor >= 1 && body.empty() &&
                           request.head.fields.has_token("Expect", "100-continue");
    std::uint64_t body_size = 0;
    switch (framing.framing.kind) {
        case wire::HttpBodyFraming::Kind::length:
            if (framing.framing.length > maximum_body) {
                return refused(std::move(request), 413, too_large(maximum_body));
            }
            if (body.size() < framing.framing.length) {
                request.awaits_continue = awaits_continue;
                return request;  // incomplete
            }
            body_size = framing.framing.length;
            break;
        case wire::HttpBodyFraming::Kind::chunked: {
            // Decoded again from its start each time more arrives: a body is at most
            // `maximum_body`, and dropped, so nothing is kept between calls.
            wire::ChunkedDecoder decoder(maximum_body);
            std::vector<std::uint8_t> discarded;
            body_size = decoder.feed(body, discarded);
            if (decoder.failed()) {
                bool too_large_body = decoder.error().find("larger") != std::string::npos;
                return too_large_body ? refused(std::move(request), 413, too_large(maximum_body))
                                      : refused(std::move(request), 400, decoder.error());
            }
            if (!decoder.done()) {
                request.awaits_continue = awaits_continue;
                return request;  // incomplete
            }
            break;
        }
        default:
            break;  // none: a request without a body (RFC 9112 §6.3 rule 7)
    }
    request.state = NextRequest::State::complete;
    request.size = parsed.size + static_cast<std::size_t>(body_size);
    return request;
}

}  // namespace emu::http
