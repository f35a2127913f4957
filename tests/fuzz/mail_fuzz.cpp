// libFuzzer: any bytes as what an SMTP or POP3 peer sends. Commands, replies and responses
// that read complete take no more bytes than given and read back the same from what is
// written; paths and mailboxes answer any text without a crash; and the bytes as a
// dot-stuffed block never make the reader use or keep more than it was given, while a
// block written from what it kept reads back to the same content.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lib/wire/dot_stuffing.hpp"
#include "lib/wire/pop3.hpp"
#include "lib/wire/smtp.hpp"

using namespace emu::wire;

namespace {

Bytes bytes_of(const std::string& text) { return Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()); }

template <typename Message, typename Read, typename Write>
void round_trip(const TextRead<Message>& first, std::size_t size, Read read, Write write) {
    if (!first.complete()) return;
    if (first.size > size) std::abort();
    auto again = read(bytes_of(write(first.message)));
    if (!again.complete() || !(again.message == first.message)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes input(data, size);
    round_trip(read_smtp_command(input), size, [](Bytes b) { return read_smtp_command(b); }, write_smtp_command);
    round_trip(read_smtp_reply(input), size, [](Bytes b) { return read_smtp_reply(b); }, write_smtp_reply);
    round_trip(read_pop3_command(input), size, [](Bytes b) { return read_pop3_command(b); }, write_pop3_command);
    for (bool multi_line : {false, true}) {
        round_trip(read_pop3_response(input, multi_line), size,
                   [multi_line](Bytes b) { return read_pop3_response(b, multi_line); }, write_pop3_response);
    }
    std::string_view text(reinterpret_cast<const char*>(data), size);
    parse_mail_from(text);
    parse_rcpt_to(text);
    parse_smtp_mailbox(text);

    DotStuffedReader reader(size / 2);
    std::string content;
    auto used = reader.feed(input, content);
    if (used > size || content.size() > size / 2 || reader.size() > size) std::abort();
    if (reader.done() && !reader.too_large()) {
        DotStuffedReader again(size);
        std::string content_again;
        auto block = dot_stuffed(content);
        if (again.feed(bytes_of(block), content_again) != block.size() || !again.done() || content_again != content) {
            std::abort();
        }
    }
    return 0;
}
