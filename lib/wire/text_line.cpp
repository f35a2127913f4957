#include "lib/wire/text_line.hpp"

#include <cctype>

namespace emu::wire {

TextLine next_text_line(std::string_view buffer, std::size_t at, std::size_t maximum, LineEnd ending) {
    TextLine line;
    if (at > buffer.size()) return line;
    auto rest = buffer.substr(at);
    auto end = rest.find('\n');
    if (end == std::string_view::npos) {
        // Whatever ends it, a line this long already is more than `maximum` with its CRLF.
        if (rest.size() >= maximum) line.state = TextLine::State::too_long;
        return line;
    }
    auto text = rest.substr(0, end);
    bool crlf = !text.empty() && text.back() == '\r';
    if (crlf) text.remove_suffix(1);
    // Counted as if it ended in CRLF, so that a line taken with a bare LF is still within
    // the limit when written back with CRLF.
    if (text.size() + 2 > maximum) {
        line.state = TextLine::State::too_long;
        return line;
    }
    if ((!crlf && ending == LineEnd::crlf) || text.find('\r') != std::string_view::npos) {
        line.state = TextLine::State::bad_ending;
        return line;
    }
    line.state = TextLine::State::complete;
    line.text = text;
    line.next = at + end + 1;
    return line;
}

std::string line_error(const TextLine& line, std::size_t maximum, LineEnd ending) {
    if (line.state == TextLine::State::too_long) return "a line over " + std::to_string(maximum) + " bytes";
    if (ending == LineEnd::crlf) return "a line must end in CRLF, with no CR or LF alone in it";
    return "a CR alone in a line";
}

int reply_code(std::string_view text) {
    if (text.size() < 3) return -1;
    for (std::size_t i = 0; i < 3; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
    }
    if (text[0] < '1' || text[0] > '5') return -1;
    return (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
}

std::string upper_ascii(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string command_line(std::string_view verb, std::string_view argument) {
    std::string line(verb);
    if (!argument.empty()) {
        line += ' ';
        line += argument;
    }
    return line + "\r\n";
}

}  // namespace emu::wire
