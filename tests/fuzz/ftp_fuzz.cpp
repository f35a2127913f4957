// libFuzzer: any bytes as what an FTP peer sends on the control connection. A command or a
// reply that reads complete must take no more bytes than given and write out to what reads
// back the same; the endpoint parsers must answer any text without a crash, and an endpoint
// they accept must write out to what they accept again as the same.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lib/wire/ftp.hpp"

using namespace emu::wire;

namespace {

Bytes bytes_of(const std::string& text) { return Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes input(data, size);
    auto command = read_ftp_command(input);
    if (command.complete()) {
        if (command.size > size) std::abort();
        auto again = read_ftp_command(bytes_of(write_ftp_command(command.message)));
        if (!again.complete() || !(again.message == command.message)) std::abort();
    }
    auto reply = read_ftp_reply(input);
    if (reply.complete()) {
        if (reply.size > size) std::abort();
        auto again = read_ftp_reply(bytes_of(write_ftp_reply(reply.message)));
        if (!again.complete() || !(again.message == reply.message)) std::abort();
    }
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto endpoint = parse_ftp_host_port(text)) {
        if (!(parse_ftp_host_port(write_ftp_host_port(*endpoint)) == *endpoint)) std::abort();
    }
    parse_pasv_reply(text);
    if (auto endpoint = parse_eprt(text)) {
        if (!(parse_eprt(write_eprt(*endpoint)) == *endpoint)) std::abort();
    }
    if (auto port = parse_epsv_reply(text)) {
        if (!(parse_epsv_reply(write_epsv_reply_text(*port)) == *port)) std::abort();
    }
    return 0;
}
