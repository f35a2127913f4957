#include "emud/trace/message_headers.hpp"

#include <cctype>

namespace emu::trace {
namespace {

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    }
    return true;
}

std::string trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    return std::string(text);
}

}  // namespace

MessageHeaders message_headers(std::string_view message) {
    MessageHeaders headers;
    std::string* current = nullptr;  // the field a continuation line belongs to
    std::size_t at = 0;
    while (at < message.size()) {
        auto end = message.find('\n', at);
        auto line = message.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        at = end == std::string_view::npos ? message.size() : end + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // the header ends at the first empty line
        if (line.front() == ' ' || line.front() == '\t') {
            if (current != nullptr) *current += " " + trimmed(line);
            continue;
        }
        auto colon = line.find(':');
        current = nullptr;
        if (colon == std::string_view::npos) continue;
        auto name = line.substr(0, colon);
        if (same_name(name, "From")) current = &headers.from;
        else if (same_name(name, "To")) current = &headers.to;
        else if (same_name(name, "Subject")) current = &headers.subject;
        if (current != nullptr) *current = trimmed(line.substr(colon + 1));
    }
    return headers;
}

std::string describe_headers(const MessageHeaders& headers) {
    std::string out;
    auto add = [&](const char* what, const std::string& value) {
        if (value.empty()) return;
        if (!out.empty()) out += ", ";
        out += what + value;
    };
    add("Subject: ", headers.subject);
    add("from ", headers.from);
    add("to ", headers.to);
    return out;
}

}  // namespace emu::trace
