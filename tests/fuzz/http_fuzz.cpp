// libFuzzer: any bytes as what an HTTP peer sends. A request or response head that reads
// complete must write out and read back the same, taking no more bytes than given; a body
// framing must be decided for it without a crash; and the same bytes as a chunked body must
// never make the decoder claim more bytes than it was given.
#include <cstdint>
#include <cstdlib>

#include "lib/wire/http.hpp"

using namespace emu::wire;

namespace {

Bytes bytes_of(const std::string& text) { return Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes input(data, size);
    auto request = read_request_head(input);
    if (request.state == HttpHeadResult<HttpRequestHead>::State::complete) {
        if (request.size > size) std::abort();
        request_body_framing(request.head);
        auto again = read_request_head(bytes_of(write_request_head(request.head)));
        if (again.state != HttpHeadResult<HttpRequestHead>::State::complete || !(again.head == request.head)) std::abort();
    }
    auto response = read_response_head(input);
    if (response.state == HttpHeadResult<HttpResponseHead>::State::complete) {
        if (response.size > size) std::abort();
        response_body_framing(response.head, "GET");
        auto again = read_response_head(bytes_of(write_response_head(response.head)));
        if (again.state != HttpHeadResult<HttpResponseHead>::State::complete || !(again.head == response.head)) std::abort();
    }
    ChunkedDecoder decoder(1 << 20);
    std::vector<std::uint8_t> body;
    if (decoder.feed(input, body) > size || body.size() > size) std::abort();
    return 0;
}
