#include <fmt/format.h>

#include "emud/api/protocol.hpp"

namespace emu::api {

std::size_t nesting_depth(std::string_view text, std::size_t limit) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;  // the escaped character, whatever it is, is part of the string
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit) return deepest;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

tl::expected<Request, ApiError> decode_request(std::string_view line) {
    auto bad = [](const std::string& message) { return tl::make_unexpected(ApiError("bad-request", message)); };
    if (line.size() > kMaxLineBytes) {
        return bad(fmt::format("a request line is at most {} MiB; this one is longer", kMaxLineBytes >> 20));
    }
    if (nesting_depth(line, kMaxNesting) > kMaxNesting) {
        return bad(fmt::format("a request nests arrays and objects at most {} deep; this one goes deeper", kMaxNesting));
    }
    auto request = nlohmann::json::parse(line, nullptr, false);
    if (request.is_discarded()) return bad("a request is one line of JSON; this one does not parse");
    if (!request.is_object()) return bad("a request is a JSON object with a \"method\"");
    Request decoded;
    if (auto id = request.find("id"); id != request.end()) decoded.id = *id;
    auto method = request.find("method");
    if (method == request.end() || !method->is_string()) {
        return bad("a request is a JSON object with a \"method\"");
    }
    decoded.method = method->get<std::string>();
    auto params = request.find("params");
    if (params == request.end() || params->is_null()) {
        decoded.params = nlohmann::json::object();
    } else if (params->is_object()) {
        decoded.params = std::move(*params);
    } else {
        return bad("a request's \"params\" is an object");
    }
    return decoded;
}

}  // namespace emu::api
