#include "emud/trace/http_decoder.hpp"
#include "emud/trace/layer_fields.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <optional>

#include <fmt/format.h>

#include "lib/wire/ipv4.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace wire;

constexpr std::size_t kMaxUnanswered = 1000;

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

std::string version_text(const HttpVersion& version) { return fmt::format("HTTP/{}.{}", version.major, version.minor); }

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

Layer request_layer(const HttpRequestHead& head, const Body& body) {
    const auto* host = head.fields.find("Host");
    json fields = {{kHttpFields["message"], "request"},
                   {kHttpFields["method"], head.method},
                   {kHttpFields["target"], head.target},
                   {kHttpFields["version"], version_text(head.version)},
                   {kHttpFields["host"], host != nullptr ? host->value : ""},
                   {kHttpFields["body_bytes"], body.size},
                   {kHttpFields["headers"], fields_json(head.fields)}};
    auto summary = fmt::format("HTTP {} {}", head.method, head.target);
    if (host != nullptr) summary += " Host: " + host->value;
    if (body.size > 0) summary += fmt::format(" {} bytes", body.size);
    return kHttpFields.layer(std::move(summary), std::move(fields));
}

Layer response_layer(const HttpResponseHead& head, const HttpBodyFraming& framing, const Body& body) {
    const auto* type = head.fields.find("Content-Type");
    bool chunked = framing.kind == HttpBodyFraming::Kind::chunked;
    json fields = {{kHttpFields["message"], "response"},
                   {kHttpFields["status"], head.status},
                   {kHttpFields["reason"], head.reason},
                   {kHttpFields["version"], version_text(head.version)},
                   {kHttpFields["content_type"], type != nullptr ? type->value : ""},
                   {kHttpFields["body_bytes"], body.size},
                   {kHttpFields["chunked"], chunked},
                   {kHttpFields["headers"], fields_json(head.fields)}};
    auto summary = fmt::format("HTTP {} {} {} bytes", head.status, head.reason, body.size);
    if (type != nullptr) summary += " " + type->value;
    if (chunked) summary += " chunked";
    return kHttpFields.layer(std::move(summary), std::move(fields));
}

// What the trace's ring keeps of a message until it is read (Layer::deferred): its head as
// it came, and what the head alone does not say — a flag byte (bit 0: a response, bit 1:
// chunked) and the body's decoded size (8 bytes, host order) before it. The layer is made
// from it as the capture would have made it.
constexpr std::size_t kRecordPrefix = 1 + sizeof(std::uint64_t);
constexpr std::uint8_t kRecordResponse = 1;
constexpr std::uint8_t kRecordChunked = 2;

std::vector<std::uint8_t> message_record(std::uint8_t flags, std::uint64_t body_size, const std::vector<std::uint8_t>& head) {
    std::vector<std::uint8_t> record(kRecordPrefix + head.size());
    record[0] = flags;
    std::memcpy(record.data() + 1, &body_size, sizeof body_size);
    std::copy(head.begin(), head.end(), record.begin() + kRecordPrefix);
    return record;
}

Layer layer_of_record(const std::vector<std::uint8_t>& record) {
    if (record.size() < kRecordPrefix) return malformed("a kept message without its head");
    Body body;
    std::memcpy(&body.size, record.data() + 1, sizeof body.size);
    auto head_bytes = Bytes(record).subspan(kRecordPrefix);
    if (record[0] & kRecordResponse) {
        auto head = read_response_head(head_bytes);
        if (head.state != HttpHeadResult<HttpResponseHead>::State::complete) return malformed(head.error);
        HttpBodyFraming framing;
        if (record[0] & kRecordChunked) framing.kind = HttpBodyFraming::Kind::chunked;
        return response_layer(head.head, framing, body);
    }
    auto head = read_request_head(head_bytes);
    if (head.state != HttpHeadResult<HttpRequestHead>::State::complete) return malformed(head.error);
    return request_layer(head.head, body);
}

// A message whose head has been read, waiting for the rest of its body.
template <typename Head>
struct Underway {
    Head head;
    HttpBodyFraming framing;
    std::vector<std::uint8_t> raw_head;  ///< for its record
};

class HttpConnection : public ConnectionDecoder {
public:
    std::vector<Layer> on_bytes(std::array<std::vector<std::uint8_t>, 2>& buffers, FlowDirection) override {
        std::vector<Layer> layers;
        auto& requests = buffers[static_cast<std::size_t>(FlowDirection::to_server)];
        auto& responses = buffers[static_cast<std::size_t>(FlowDirection::to_client)];
        // Requests first: a response is framed by the method of the request it answers,
        // whose head came before it.
        if (!tunnel_) read_requests(requests, layers);
        if (!tunnel_) read_responses(responses, layers);
        if (tunnel_) {
            requests.clear();
            responses.clear();
        }
        return layers;
    }

    void on_gap(FlowDirection direction) override {
        if (direction == FlowDirection::to_server) {
            request_.reset();
        } else {
            response_.reset();
        }
    }

private:
    void read_requests(std::vector<std::uint8_t>& buffer, std::vector<Layer>& layers) {
        std::size_t at = 0;
        while (true) {
            auto rest = Bytes(buffer).subspan(at);
            if (!request_) {
                if (rest.empty()) break;
                auto head = read_request_head(rest);
                if (head.state == HttpHeadResult<HttpRequestHead>::State::incomplete) break;
                if (head.state == HttpHeadResult<HttpRequestHead>::State::error) {
                    layers.push_back(malformed(head.error));
                    at = buffer.size();
                    break;
                }
                at += head.size;
                // Queued with its head: a server may answer before the body is in (100
                // Continue, RFC 9110 §10.1.1; a 413 from the length alone).
                if (unanswered_.size() == kMaxUnanswered) unanswered_.pop_front();
                unanswered_.push_back(head.head.method);
                auto framing = request_body_framing(head.head).framing;
                request_.emplace(Underway<HttpRequestHead>{std::move(head.head), framing,
                                                           {rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(head.size)}});
                continue;
            }
            auto body = body_in(request_->framing, rest);
            if (!body) break;
            layers.push_back(Layer::deferred(layer_of_record, message_record(0, body->size, request_->raw_head)));
            request_.reset();
            at += body->wire_size;
        }
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(at));
    }

    void read_responses(std::vector<std::uint8_t>& buffer, std::vector<Layer>& layers) {
        std::size_t at = 0;
        while (!tunnel_) {
            auto rest = Bytes(buffer).subspan(at);
            if (!response_) {
                if (rest.empty()) break;
                auto head = read_response_head(rest);
                if (head.state == HttpHeadResult<HttpResponseHead>::State::incomplete) break;
                if (head.state == HttpHeadResult<HttpResponseHead>::State::error) {
                    layers.push_back(malformed(head.error));
                    at = buffer.size();
                    break;
                }
                at += head.size;
                // RFC 9110 §15.2: an interim (1xx) response comes before the final one to the
                // same request. A response to no request seen is framed by its own head.
                std::string method;
                if (!unanswered_.empty()) {
                    method = unanswered_.front();
                    if (head.head.status >= 200) unanswered_.pop_front();
                }
                auto framing = response_body_framing(head.head, method).framing;
                // After a 101 (RFC 9110 §15.2.2) or a 2xx to CONNECT (§9.3.6) the connection
                // carries another protocol, or a tunnel: nothing more of it is HTTP.
                upgrading_ = head.head.status == 101 || (method == "CONNECT" && head.head.status / 100 == 2);
                response_.emplace(Underway<HttpResponseHead>{std::move(head.head), framing,
                                                             {rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(head.size)}});
                continue;
            }
            auto body = body_in(response_->framing, rest);
            if (!body) break;
            std::uint8_t flags = kRecordResponse;
            if (response_->framing.kind == HttpBodyFraming::Kind::chunked) flags |= kRecordChunked;
            layers.push_back(Layer::deferred(layer_of_record, message_record(flags, body->size, response_->raw_head)));
            response_.reset();
            at += body->wire_size;
            tunnel_ = upgrading_;
        }
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(at));
    }

    std::deque<std::string> unanswered_;  // the methods of requests not yet finally answered
    std::optional<Underway<HttpRequestHead>> request_;
    std::optional<Underway<HttpResponseHead>> response_;
    bool upgrading_ = false;
    bool tunnel_ = false;
};

}  // namespace

bool HttpDecoder::serves(std::uint8_t ip_protocol, std::uint16_t server_port) const {
    return ip_protocol == ip_protocol::kTcp && server_port == 80;
}

std::vector<Layer> HttpDecoder::datagram(Bytes, FlowDirection) { return {}; }

std::unique_ptr<ConnectionDecoder> HttpDecoder::open_connection(const TcpFlow&) {
    return std::make_unique<HttpConnection>();
}

}  // namespace emu::trace
