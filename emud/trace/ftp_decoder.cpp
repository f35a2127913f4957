#include "emud/trace/ftp_decoder.hpp"
#include "emud/trace/layer_fields.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lib/wire/ftp.hpp"
#include "lib/wire/ipv4.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace wire;

// The commands that move data over a data connection (RFC 959 §4.1.3, RFC 3659 §7).
bool is_transfer(const std::string& verb) {
    return verb == "RETR" || verb == "STOR" || verb == "STOU" || verb == "APPE" || verb == "LIST" || verb == "NLST" ||
           verb == "MLSD";
}

std::string endpoint_text(const FtpEndpoint& endpoint) {
    return endpoint.address.to_string() + ":" + std::to_string(endpoint.port);
}

class FtpControlConnection : public ConnectionDecoder {
public:
    FtpControlConnection(FtpDecoder& decoder, const TcpFlow& flow)
        : decoder_(decoder), session_(std::make_shared<FtpSession>(FtpSession{flow, ""})) {}

    std::vector<Layer> on_bytes(std::array<std::vector<std::uint8_t>, 2>& buffers, FlowDirection newest) override {
        auto& buffer = buffers[static_cast<std::size_t>(newest)];
        std::vector<Layer> layers;
        std::size_t at = 0;
        while (at < buffer.size()) {
            Bytes rest(buffer.data() + at, buffer.size() - at);
            if (newest == FlowDirection::to_server) {
                auto command = read_ftp_command(rest);
                if (command.state == TextRead<FtpCommand>::State::incomplete) break;
                if (command.state == TextRead<FtpCommand>::State::error) {
                    layers.push_back(malformed_layer("FTP", command.error));
                    at = buffer.size();
                    break;
                }
                layers.push_back(command_layer(command.message));
                at += command.size;
            } else {
                auto reply = read_ftp_reply(rest);
                if (reply.state == TextRead<FtpReply>::State::incomplete) break;
                if (reply.state == TextRead<FtpReply>::State::error) {
                    layers.push_back(malformed_layer("FTP", reply.error));
                    at = buffer.size();
                    break;
                }
                layers.push_back(reply_layer(reply.message));
                at += reply.size;
            }
        }
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(at));
        return layers;
    }

private:
    Layer command_layer(const FtpCommand& command) {
        json fields = {{kFtpFields["message"], "command"},
                       {kFtpFields["verb"], command.verb},
                       {kFtpFields["argument"], command.argument}};
        auto summary = command.argument.empty() ? "FTP " + command.verb : "FTP " + command.verb + " " + command.argument;
        if (command.verb == "PORT" || command.verb == "EPRT") {
            // Active mode: the client names where it listens; the server connects from port 20.
            auto endpoint = command.verb == "PORT" ? parse_ftp_host_port(command.argument) : parse_eprt(command.argument);
            if (endpoint) {
                fields[kFtpFields["endpoint"]] = endpoint_text(*endpoint);
                summary = fmt::format("FTP {} {}", command.verb, endpoint_text(*endpoint));
                const auto& client = session_->control.client.address;
                if (endpoint->address.is_v4() && endpoint->address.v4() != client) {
                    // RFC 2577 §3: a PORT to a third party's address is the FTP bounce attack.
                    fields[kFtpFields["third_party"]] = true;
                    summary += " (not the client's address " + client.to_string() + ")";
                }
                if (endpoint->address.is_v4()) {
                    decoder_.announce({endpoint->address.v4(), endpoint->port}, false, session_);
                }
            }
        } else if (is_transfer(command.verb)) {
            session_->transfer = command.argument.empty() ? command.verb : command.verb + " " + command.argument;
        }
        return kFtpFields.layer(std::move(summary), std::move(fields));
    }

    Layer reply_layer(const FtpReply& reply) {
        json fields = {{kFtpFields["message"], "reply"},
                       {kFtpFields["code"], reply.code},
                       {kFtpFields["text"], reply.text()},
                       {kFtpFields["lines"], reply.lines.size()}};
        auto summary = fmt::format("FTP {} {}", reply.code, reply.lines.front());
        if (reply.lines.size() > 1) summary += fmt::format(" (+{} lines)", reply.lines.size() - 1);
        // Passive mode: the server names where it listens (RFC 959 §4.1.2, RFC 2428 §3); an
        // EPSV reply gives only the port, the address being the control connection's.
        std::optional<FtpEndpoint> listener;
        const char* mode = nullptr;
        if (reply.code == 227) {
            if (auto endpoint = parse_pasv_reply(reply.text())) {
                listener = *endpoint;
                mode = "PASV";
            }
        } else if (reply.code == 229) {
            if (auto port = parse_epsv_reply(reply.text())) {
                listener = FtpEndpoint{session_->control.server.address, *port};
                mode = "EPSV";
            }
        }
        if (listener && listener->address.is_v4()) {
            fields[kFtpFields["endpoint"]] = endpoint_text(*listener);
            summary = fmt::format("FTP {} {} → {}", reply.code, mode, endpoint_text(*listener));
            decoder_.announce({listener->address.v4(), listener->port}, true, session_);
        }
        return kFtpFields.layer(std::move(summary), std::move(fields));
    }

    FtpDecoder& decoder_;
    std::shared_ptr<FtpSession> session_;
};

class FtpDataConnection : public ConnectionDecoder {
public:
    FtpDataConnection(const TcpFlow& flow, bool passive, std::shared_ptr<FtpSession> session)
        : flow_(flow), passive_(passive), session_(std::move(session)) {}

    std::vector<Layer> on_bytes(std::array<std::vector<std::uint8_t>, 2>& buffers, FlowDirection newest) override {
        auto index = static_cast<std::size_t>(newest);
        auto bytes = buffers[index].size();
        buffers[index].clear();
        totals_[index] += bytes;
        const auto& from = newest == FlowDirection::to_server ? flow_.client : flow_.server;
        const auto& to = newest == FlowDirection::to_server ? flow_.server : flow_.client;
        json fields = {{kFtpDataFields["mode"], passive_ ? "passive" : "active"},
                       {kFtpDataFields["bytes"], bytes},
                       {kFtpDataFields["total_bytes"], totals_[index]},
                       {kFtpDataFields["transfer"], session_->transfer},
                       {kFtpDataFields["control"],
                        session_->control.client.to_string() + " → " + session_->control.server.to_string()}};
        auto summary = fmt::format("FTP-DATA {} → {} {} bytes", from.to_string(), to.to_string(), bytes);
        if (!session_->transfer.empty()) summary += " (" + session_->transfer + ")";
        return {kFtpDataFields.layer(std::move(summary), std::move(fields))};
    }

private:
    TcpFlow flow_;
    bool passive_;
    std::shared_ptr<FtpSession> session_;
    std::array<std::uint64_t, 2> totals_{};
};

}  // namespace

bool FtpDecoder::serves(std::uint8_t ip_protocol, std::uint16_t server_port) const {
    return ip_protocol == ip_protocol::kTcp && server_port == 21;
}

std::vector<Layer> FtpDecoder::datagram(Bytes, FlowDirection) { return {}; }

std::unique_ptr<ConnectionDecoder> FtpDecoder::open_connection(const TcpFlow& flow) {
    return std::make_unique<FtpControlConnection>(*this, flow);
}

std::unique_ptr<ConnectionDecoder> FtpDecoder::claim_connection(const TcpFlow& flow) {
    // In active mode the server connects from port 20 (RFC 959 §3.2), if it can bind it: the
    // source port is not checked, only the listener.
    auto it = announced_.find(flow.server);
    if (it == announced_.end()) return nullptr;
    return std::make_unique<FtpDataConnection>(flow, it->second.passive, it->second.session);
}

void FtpDecoder::announce(const TcpEndpoint& listener, bool passive, std::shared_ptr<FtpSession> session) {
    // The newest announcement of a listener wins: a port is reused by a later transfer.
    announced_[listener] = {passive, std::move(session)};
    order_.push_back(listener);
    while (order_.size() > kMaxAnnounced) {
        auto oldest = order_.front();
        order_.pop_front();
        // Forgotten only if no later announcement of the same listener is still kept.
        if (std::find(order_.begin(), order_.end(), oldest) == order_.end()) announced_.erase(oldest);
    }
}

}  // namespace emu::trace
