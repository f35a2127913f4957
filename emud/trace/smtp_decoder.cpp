#include "emud/trace/smtp_decoder.hpp"
#include "emud/trace/layer_fields.hpp"

#include <charconv>
#include <deque>
#include <optional>

#include <fmt/format.h>

#include "emud/trace/command_reply_connection.hpp"
#include "emud/trace/message_headers.hpp"
#include "lib/wire/dot_stuffing.hpp"
#include "lib/wire/ipv4.hpp"
#include "lib/wire/smtp.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace wire;

// A message's start is kept for its header; the rest is only counted.
constexpr std::size_t kKeptOfMessage = 64 * 1024;
// Commands remembered while their replies are awaited (a pipelining client sends a few).
constexpr std::size_t kMaxUnanswered = 1000;

class SmtpConnection : public CommandReplyConnection {
public:
    SmtpConnection() : CommandReplyConnection("SMTP") {}

private:
    enum class ClientState { commands, awaiting_go_ahead, message, chunk };

    void read_server(std::vector<std::uint8_t>& buffer, std::vector<Layer>& layers) override {
        std::size_t at = 0;
        while (!broken() && at < buffer.size()) {
            auto reply = read_smtp_reply(Bytes(buffer).subspan(at));
            if (reply.state == TextRead<SmtpReply>::State::incomplete) break;
            if (reply.state == TextRead<SmtpReply>::State::error) {
                fail(layers, reply.error);
                break;
            }
            at += reply.size;
            const auto& lines = reply.message.lines;
            // Replies come in the order of the commands (pipelined or not, RFC 2920 §3.1).
            std::string answers;
            if (!unanswered_.empty()) {
                answers = std::move(unanswered_.front());
                unanswered_.pop_front();
            }
            if (answers == "DATA" && state_ == ClientState::awaiting_go_ahead) {
                state_ = reply.message.code == 354 ? ClientState::message : ClientState::commands;
                if (state_ == ClientState::message) message_.emplace(kKeptOfMessage);
            }
            auto summary = fmt::format("SMTP {} {}", reply.message.code, lines.front());
            if (lines.size() > 1) {
                summary += " (";
                for (std::size_t i = 1; i < lines.size(); ++i) summary += (i > 1 ? ", " : "") + lines[i];
                summary += ")";
            }
            layers.push_back(kSmtpFields.layer(std::move(summary), {{kSmtpFields["message"], "reply"},
                                                                    {kSmtpFields["code"], reply.message.code},
                                                                    {kSmtpFields["lines"], lines},
                                                                    {kSmtpFields["answers"], answers}}));
        }
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(at));
    }

    void read_client(std::vector<std::uint8_t>& buffer, std::vector<Layer>& layers) override {
        std::size_t at = 0;
        while (!broken() && at < buffer.size() && state_ != ClientState::awaiting_go_ahead) {
            Bytes rest = Bytes(buffer).subspan(at);
            if (state_ == ClientState::message) {
                at += message_->feed(rest, kept_);
                if (!message_->done()) break;
                layers.push_back(message_layer(message_->size()));
                message_.reset();
                state_ = ClientState::commands;
                // The server's next reply is its verdict on the message (RFC 5321 §4.1.1.4).
                if (unanswered_.size() == kMaxUnanswered) unanswered_.pop_front();
                unanswered_.push_back("message");
            } else if (state_ == ClientState::chunk) {
                auto taken = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_left_, rest.size()));
                auto keep = std::min(taken, kKeptOfMessage - std::min(kept_.size(), kKeptOfMessage));
                kept_.append(reinterpret_cast<const char*>(rest.data()), keep);
                chunked_bytes_ += taken;
                chunk_left_ -= taken;
                at += taken;
                if (chunk_left_ > 0) break;
                state_ = ClientState::commands;
                if (last_chunk_) {
                    layers.push_back(message_layer(chunked_bytes_));
                    chunked_bytes_ = 0;
                }
            } else {
                auto command = read_smtp_command(rest);
                if (command.state == TextRead<SmtpCommand>::State::incomplete) break;
                if (command.state == TextRead<SmtpCommand>::State::error) {
                    fail(layers, command.error);
                    break;
                }
                at += command.size;
                if (unanswered_.size() == kMaxUnanswered) unanswered_.pop_front();
                unanswered_.push_back(command.message.verb);
                layers.push_back(command_layer(command.message));
                if (empty_last_chunk_) {
                    // "BDAT 0 LAST" ends the message with nothing more (RFC 3030 §2).
                    empty_last_chunk_ = false;
                    layers.push_back(message_layer(chunked_bytes_));
                    chunked_bytes_ = 0;
                }
            }
        }
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(std::min(at, buffer.size())));
    }

    Layer command_layer(const SmtpCommand& command) {
        json fields = {{kSmtpFields["message"], "command"},
                       {kSmtpFields["verb"], command.verb},
                       {kSmtpFields["argument"], command.argument}};
        if (command.verb == "MAIL" || command.verb == "RCPT") {
            auto path = command.verb == "MAIL" ? parse_mail_from(command.argument) : parse_rcpt_to(command.argument);
            if (path) fields[kSmtpFields["mailbox"]] = path->mailbox ? path->mailbox->to_string() : "";
        } else if (command.verb == "DATA") {
            state_ = ClientState::awaiting_go_ahead;
        } else if (command.verb == "BDAT") {
            // RFC 3030 §2: BDAT size [LAST], then that many bytes of the message.
            auto text = std::string_view(command.argument);
            auto space = text.find(' ');
            auto size_text = text.substr(0, space);
            std::uint64_t size = 0;
            auto [end, error] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size);
            if (error == std::errc() && end == size_text.data() + size_text.size()) {
                state_ = ClientState::chunk;
                chunk_left_ = size;
                last_chunk_ = space != std::string_view::npos && upper_ascii(text.substr(space + 1)) == "LAST";
                if (chunked_bytes_ == 0) kept_.clear();
                if (size == 0) {
                    state_ = ClientState::commands;
                    empty_last_chunk_ = last_chunk_;
                }
            }
        }
        auto summary = command.argument.empty() ? "SMTP " + command.verb : "SMTP " + command.verb + " " + command.argument;
        return kSmtpFields.layer(std::move(summary), std::move(fields));
    }

    Layer message_layer(std::uint64_t size) {
        auto headers = message_headers(kept_);
        kept_.clear();
        auto summary = fmt::format("SMTP message {} bytes", size);
        auto described = describe_headers(headers);
        if (!described.empty()) summary += ", " + described;
        return kSmtpFields.layer(std::move(summary), {{kSmtpFields["message"], "content"},
                                                      {kSmtpFields["bytes"], size},
                                                      {kSmtpFields["subject"], headers.subject},
                                                      {kSmtpFields["from"], headers.from},
                                                      {kSmtpFields["to"], headers.to}});
    }

    // The commands not answered yet, the greeting first (RFC 5321 §3.1).
    std::deque<std::string> unanswered_{"greeting"};
    ClientState state_ = ClientState::commands;
    std::optional<DotStuffedReader> message_;
    std::string kept_;
    std::uint64_t chunk_left_ = 0;
    std::uint64_t chunked_bytes_ = 0;
    bool last_chunk_ = false;
    bool empty_last_chunk_ = false;
};

}  // namespace

bool SmtpDecoder::serves(std::uint8_t ip_protocol, std::uint16_t server_port) const {
    return ip_protocol == ip_protocol::kTcp && (server_port == 25 || server_port == 587);
}

std::vector<Layer> SmtpDecoder::datagram(Bytes, FlowDirection) { return {}; }

std::unique_ptr<ConnectionDecoder> SmtpDecoder::open_connection(const TcpFlow&) {
    return std::make_unique<SmtpConnection>();
}

}  // namespace emu::trace
