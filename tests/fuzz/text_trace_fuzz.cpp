// libFuzzer: any bytes as a TCP connection's two directions, fed to the trace's FTP, SMTP,
// POP3 and HTTP connection decoders in pieces. The first byte picks the protocol; then each
// piece is a byte (its low bit the direction, the rest its length) and that many bytes.
// No input may crash a decoder, make it keep more than it was given, or make an FTP
// session announce a data connection that is not then claimed by its endpoint.
#include <cstdint>
#include <cstdlib>

#include "emud/trace/ftp_decoder.hpp"
#include "emud/trace/http_decoder.hpp"
#include "emud/trace/pop3_decoder.hpp"
#include "emud/trace/smtp_decoder.hpp"

using namespace emu::trace;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    FtpDecoder ftp;
    SmtpDecoder smtp;
    Pop3Decoder pop3;
    HttpDecoder http;
    ApplicationDecoder* decoders[] = {&ftp, &smtp, &pop3, &http};
    auto* decoder = decoders[data[0] % 4];
    TcpFlow flow{{*emu::wire::Ipv4Address::parse("10.0.9.2"), 40000}, {*emu::wire::Ipv4Address::parse("10.0.9.1"), 21}};
    auto connection = decoder->open_connection(flow);
    std::array<std::vector<std::uint8_t>, 2> buffers;
    std::size_t at = 1, fed = 0;
    while (at < size) {
        auto head = data[at++];
        auto direction = (head & 1) != 0 ? FlowDirection::to_client : FlowDirection::to_server;
        std::size_t length = std::min<std::size_t>(head >> 1, size - at);
        auto& buffer = buffers[static_cast<std::size_t>(direction)];
        buffer.insert(buffer.end(), data + at, data + at + length);
        at += length;
        fed += length;
        auto made = connection->on_bytes(buffers, direction);
        // What the ring keeps and gives back is what the decoder made.
        auto kept = emu::trace::unpack_layers(emu::trace::pack_layers(made));
        auto layers = emu::trace::expanded(std::move(made));
        if (kept.size() != layers.size()) std::abort();
        for (std::size_t i = 0; i < kept.size(); ++i) {
            if (kept[i].summary != layers[i].summary || kept[i].fields != layers[i].fields) std::abort();
        }
        for (const auto& layer : layers) {
            if (layer.protocol.empty() || layer.summary.empty()) std::abort();
            // An announced endpoint is claimed by a connection to it.
            if (layer.fields.contains("endpoint") && layer.protocol == "FTP" && layer.fields["message"] == "reply") {
                auto text = layer.fields["endpoint"].get<std::string>();
                auto colon = text.rfind(':');
                auto address = emu::wire::Ipv4Address::parse(text.substr(0, colon));
                if (!address) std::abort();
                auto port = static_cast<std::uint16_t>(std::stoul(text.substr(colon + 1)));
                if (!ftp.claim_connection({{*address, 1}, {*address, port}})) std::abort();
            }
        }
        if (buffers[0].size() + buffers[1].size() > fed) std::abort();
    }
    return 0;
}
