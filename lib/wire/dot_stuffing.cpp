#include "lib/wire/dot_stuffing.hpp"

namespace emu::wire {

void DotStuffedReader::keep(char c, std::string& content) {
    ++size_;
    if (size_ <= maximum_) content.push_back(c);
}

std::size_t DotStuffedReader::feed(Bytes input, std::string& content) {
    std::size_t used = 0;
    while (used < input.size() && state_ != State::done) {
        auto c = static_cast<char>(input[used++]);
        switch (state_) {
        case State::line_start:
            if (c == '.') {
                state_ = State::after_dot;  // taken off: stuffing, or the end
            } else {
                keep(c, content);
                state_ = c == '\r' ? State::after_cr : State::in_line;
            }
            break;
        case State::after_dot:
            if (c == '\r') {
                state_ = State::after_dot_cr;
            } else {
                keep(c, content);
                state_ = State::in_line;
            }
            break;
        case State::after_dot_cr:
            if (c == '\n') {
                state_ = State::done;
                break;
            }
            // ".\r" and something else: the CR was content after a stuffed period.
            keep('\r', content);
            [[fallthrough]];
        case State::after_cr:
            keep(c, content);
            state_ = c == '\n' ? State::line_start : c == '\r' ? State::after_cr : State::in_line;
            break;
        case State::in_line:
            keep(c, content);
            if (c == '\r') state_ = State::after_cr;
            break;
        case State::done:
            break;
        }
    }
    return used;
}

std::string dot_stuffed(std::string_view content) {
    std::string out;
    out.reserve(content.size() + content.size() / 64 + 5);
    bool line_start = true;
    for (std::size_t i = 0; i < content.size(); ++i) {
        char c = content[i];
        if (line_start && c == '.') out.push_back('.');
        out.push_back(c);
        line_start = c == '\n' && i > 0 && content[i - 1] == '\r';
    }
    if (!content.empty() && !(content.size() >= 2 && content.substr(content.size() - 2) == "\r\n")) out += "\r\n";
    out += ".\r\n";
    return out;
}

std::string with_crlf_line_ends(std::string_view content) {
    std::string out;
    out.reserve(content.size() + content.size() / 64);
    for (std::size_t i = 0; i < content.size(); ++i) {
        char c = content[i];
        if (c == '\r') {
            out += "\r\n";
            if (i + 1 < content.size() && content[i + 1] == '\n') ++i;
        } else if (c == '\n') {
            out += "\r\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace emu::wire
