#include "nodes/ftpd/ascii_transfer.hpp"

namespace emu::ftp {

void AsciiToNetwork::convert(std::string_view piece, std::string& out) {
    out.reserve(out.size() + piece.size() + piece.size() / 16);
    for (char c : piece) {
        if (c == '\n' && !after_cr_) out += '\r';
        out += c;
        after_cr_ = c == '\r';
    }
}

std::size_t AsciiToNetwork::converted_size(std::string_view piece) {
    std::size_t size = piece.size();
    for (char c : piece) {
        if (c == '\n' && !after_cr_) ++size;
        after_cr_ = c == '\r';
    }
    return size;
}

void AsciiFromNetwork::convert(std::string_view piece, std::string& out) {
    out.reserve(out.size() + piece.size());
    for (char c : piece) {
        if (pending_cr_) {
            pending_cr_ = false;
            if (c != '\n') out += '\r';
        }
        if (c == '\r') {
            pending_cr_ = true;
        } else {
            out += c;
        }
    }
}

void AsciiFromNetwork::finish(std::string& out) {
    if (pending_cr_) out += '\r';
    pending_cr_ = false;
}

}  // namespace emu::ftp
