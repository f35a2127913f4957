// libFuzzer: any bytes as what an HTTP peer sends. A request or response head that reads
// complete must write out and read back the same, taking no more bytes than given; a body
// framing must be decided for it without a crash; the same bytes as a chunked body must
// never make the decoder claim more bytes than it was given; and as an HTTP-date, one that
// reads must write out as an IMF-fixdate that reads back as the same moment.
#include <cstdint>
#include <cstdlib>

#include "lib/wire/http.hpp"
#include "lib/wire/http_date.hpp"

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
    auto now = std::chrono::system_clock::from_time_t(1764000000);
    if (auto when = parse_http_date(std::string_view(reinterpret_cast<const char*>(data), size), now)) {
        auto again = parse_http_date(http_date(*when), now);
        if (!again || *again != *when) std::abort();
    }
    return 0;
}
