// libFuzzer: any bytes as a DNS message. What parses must write out and parse again to the
// same message; cut to 512 bytes it must still parse and fit (unless the question alone is
// larger); and every name must survive presentation text and back.
#include <cstdint>
#include <cstdlib>

#include "lib/wire/dns.hpp"

using namespace emu::wire;

namespace {

void check_name(const DnsName& name) {
    auto again = DnsName::parse(name.to_string());
    if (!again || !(*again == name)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto message = parse_dns(Bytes(data, size));
    if (!message) return 0;
    std::vector<std::uint8_t> bytes;
    Writer out(bytes);
    write_dns(out, *message);
    auto again = parse_dns(bytes);
    if (!again || !(*again == *message)) std::abort();

    auto cut = write_dns_within(*message, DnsMessage::kClassicUdpSize);
    auto cut_message = parse_dns(cut);
    if (!cut_message) std::abort();
    if (cut.size() > DnsMessage::kClassicUdpSize && !(cut_message->answers.empty() && cut_message->authorities.empty())) {
        std::abort();
    }

    for (const auto& question : message->questions) check_name(question.name);
    for (const auto* section : {&message->answers, &message->authorities, &message->additionals}) {
        for (const auto& record : *section) check_name(record.name);
    }
    return 0;
}
