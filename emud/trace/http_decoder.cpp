#include "emud/trace/http_decoder.hpp"

#include <fmt/format.h>

#include "lib/wire/ipv4.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace wire;

Layer malformed(const std::string& why) {
    return malformed_layer("HTTP", why);
}

json fields_json(const HttpFields& fields) {
    json object = json::object();
    for (const auto& field : fields.fields) {
        auto key = field.name;
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        object[key] = object.contains(key) ? object[key].get<std::string>() + ", " + field.value : field.value;
    }
    return object;
}

// How many bytes the body after a head takes in `rest`, and how long it is decoded; nullopt
// while it has not all arrived.
struct Body {
    std::size_t wire_size = 0;
    std::uint64_t size = 0;
    std::string error;
};
std::optional<Body> body_in(const HttpBodyFraming& framing, Bytes rest) {
    switch (framing.kind) {
        case HttpBodyFraming::Kind::none:
            return Body{};
        case HttpBodyFraming::Kind::length:
            if (rest.size() < framing.length) return std::nullopt;
            return Body{static_cast<std::size_t>(framing.length), framing.length, ""};
        case HttpBodyFraming::Kind::chunked: {
            ChunkedDecoder decoder;
            std::vector<std::uint8_t> body;
            auto used = decoder.feed(rest, body);
            if (decoder.failed()) return Body{rest.size(), body.size(), decoder.error()};
            if (!decoder.done()) return std::nullopt;
            return Body{used, body.size(), ""};
        }
        case HttpBodyFraming::Kind::until_close:
            // Delimited by the connection's end, which the decoder is not told of: such a
            // response (rare from HTTP/1.1 servers) gets no layer.
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

bool HttpDecoder::serves(std::uint8_t ip_protocol, std::uint16_t server_port) const {
    return ip_protocol == ip_protocol::kTcp && server_port == 80;
}

std::vector<Layer> HttpDecoder::datagram(Bytes, FlowDirection) { return {}; }

std::vector<Layer> HttpDecoder::stream(std::vector<std::uint8_t>& buffer, FlowDirection direction) {
    std::vector<Layer> layers;
    std::size_t at = 0;
    while (at < buffer.size()) {
        Bytes rest(buffer.data() + at, buffer.size() - at);
        if (direction == FlowDirection::to_server) {
            auto head = read_request_head(rest);
            if (head.state == HttpHeadResult<HttpRequestHead>::State::incomplete) break;
            if (head.state == HttpHeadResult<HttpRequestHead>::State::error) {
                layers.push_back(malformed(head.error));
                at = buffer.size();
                break;
            }
            auto framing = request_body_framing(head.head);
            auto body = body_in(framing.framing, rest.subspan(head.size));
            if (!body) break;
            const auto* host = head.head.fields.find("Host");
            json fields = {{"message", "request"},
                           {"method", head.head.method},
                           {"target", head.head.target},
                           {"version", fmt::format("HTTP/{}.{}", head.head.version.major, head.head.version.minor)},
                           {"host", host != nullptr ? host->value : ""},
                           {"body_bytes", body->size},
                           {"headers", fields_json(head.head.fields)}};
            auto summary = fmt::format("HTTP {} {}", head.head.method, head.head.target);
            if (host != nullptr) summary += " Host: " + host->value;
            if (body->size > 0) summary += fmt::format(" {} bytes", body->size);
            layers.push_back({"HTTP", std::move(summary), std::move(fields)});
            at += head.size + body->wire_size;
        } else {
            auto head = read_response_head(rest);
            if (head.state == HttpHeadResult<HttpResponseHead>::State::incomplete) break;
            if (head.state == HttpHeadResult<HttpResponseHead>::State::error) {
                layers.push_back(malformed(head.error));
                at = buffer.size();
                break;
            }
            auto after = rest.subspan(head.size);
            // The request's method is on the other direction; a response to HEAD has no body
            // whatever its Content-Length says, and is known by the next response following
            // at once.
            bool next_is_head = after.size() >= 5 && std::string_view(reinterpret_cast<const char*>(after.data()), 5) == "HTTP/";
            auto framing = response_body_framing(head.head, next_is_head ? "HEAD" : "GET");
            auto body = body_in(framing.framing, after);
            if (!body) break;
            const auto* type = head.head.fields.find("Content-Type");
            json fields = {{"message", "response"},
                           {"status", head.head.status},
                           {"reason", head.head.reason},
                           {"version", fmt::format("HTTP/{}.{}", head.head.version.major, head.head.version.minor)},
                           {"content_type", type != nullptr ? type->value : ""},
                           {"body_bytes", body->size},
                           {"chunked", framing.framing.kind == HttpBodyFraming::Kind::chunked},
                           {"headers", fields_json(head.head.fields)}};
            auto summary = fmt::format("HTTP {} {} {} bytes", head.head.status, head.head.reason, body->size);
            if (type != nullptr) summary += " " + type->value;
            if (framing.framing.kind == HttpBodyFraming::Kind::chunked) summary += " chunked";
            layers.push_back({"HTTP", std::move(summary), std::move(fields)});
            at += head.size + body->wire_size;
        }
    }
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(at));
    return layers;
}

}  // namespace emu::trace
