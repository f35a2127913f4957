#include "emud/trace/application.hpp"

#include "emud/trace/dhcp_decoder.hpp"
#include "emud/trace/dns_decoder.hpp"
#include "emud/trace/ftp_decoder.hpp"
#include "emud/trace/http_decoder.hpp"
#include "emud/trace/pop3_decoder.hpp"
#include "emud/trace/rip_decoder.hpp"
#include "emud/trace/smtp_decoder.hpp"

namespace emu::trace {
namespace {

// Each direction's new bytes to the protocol's stream(), nothing remembered between them.
class StreamConnection : public ConnectionDecoder {
public:
    explicit StreamConnection(ApplicationDecoder& decoder) : decoder_(decoder) {}
    std::vector<Layer> on_bytes(std::array<std::vector<std::uint8_t>, 2>& buffers, FlowDirection newest) override {
        return decoder_.stream(buffers[static_cast<std::size_t>(newest)], newest);
    }

private:
    ApplicationDecoder& decoder_;
};

}  // namespace

std::string TcpEndpoint::to_string() const { return address.to_string() + ":" + std::to_string(port); }

std::unique_ptr<ConnectionDecoder> ApplicationDecoder::open_connection(const TcpFlow&) {
    return std::make_unique<StreamConnection>(*this);
}

std::unique_ptr<ConnectionDecoder> ApplicationDecoder::claim_connection(const TcpFlow&) { return nullptr; }

std::vector<Layer> ApplicationDecoder::stream(std::vector<std::uint8_t>&, FlowDirection) { return {}; }

ApplicationDecoders make_application_decoders() {
    ApplicationDecoders decoders;
    // OSPF is not over UDP or TCP and is decoded with the IP layers.
    decoders.push_back(std::make_unique<DhcpDecoder>());
    decoders.push_back(std::make_unique<DnsDecoder>());
    decoders.push_back(std::make_unique<HttpDecoder>());
    decoders.push_back(std::make_unique<RipDecoder>());
    decoders.push_back(std::make_unique<FtpDecoder>());
    decoders.push_back(std::make_unique<SmtpDecoder>());
    decoders.push_back(std::make_unique<Pop3Decoder>());
    return decoders;
}

}  // namespace emu::trace
