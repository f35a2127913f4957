#include "emud/trace/pop3_decoder.hpp"
#include "emud/trace/layer_fields.hpp"

#include <deque>
#include <optional>

#include <fmt/format.h>

#include "emud/trace/command_reply_connection.hpp"
#include "emud/trace/message_headers.hpp"
#include "lib/wire/dot_stuffing.hpp"
#include "lib/wire/ipv4.hpp"
#include "lib/wire/pop3.hpp"

namespace emu::trace {
namespace {

using nlohmann::json;
using namespace wire;

constexpr std::size_t kKeptOfContent = 64 * 1024;  // for a message's header
constexpr std::size_t kMaxUnanswered = 1000;

const char* status_text(Pop3Status status) {
    switch (status) {
        case Pop3Status::ok: return "+OK";
        case Pop3Status::error: return "-ERR";
        case Pop3Status::continuation: return "+";
    }
    return "";
}

class Pop3Connection : public CommandReplyConnection {
public:
    Pop3Connection() : CommandReplyConnection("POP3") {}

private:
    void read_server(std::vector<std::uint8_t>& buffer, std::vector<Layer>& layers) override {
        std::size_t at = 0;
        while (!broken() && at < buffer.size()) {
            Bytes rest = Bytes(buffer).subspan(at);
            if (content_) {
                at += content_->feed(rest, kept_);
                if (!content_->done()) break;
                layers.push_back(response_layer(content_->size()));
                content_.reset();
                continue;
            }
            auto line = read_pop3_response(rest, false);
            if (line.state == TextRead<Pop3Response>::State::incomplete) break;
            if (line.state == TextRead<Pop3Response>::State::error) {
                fail(layers, line.error);
                break;
            }
            at += line.size;
            response_ = line.message;
            answers_ = Pop3Command{"greeting", ""};
            if (greeted_ && !unanswered_.empty()) answers_ = unanswered_.front();
            greeted_ = true;
            if (response_.status == Pop3Status::continuation) {
                ++challenges_;  // the client answers with a line of its own; AUTH waits on
                layers.push_back(response_layer(std::nullopt));
                continue;
            }
            if (answers_.verb != "greeting" && !unanswered_.empty()) unanswered_.pop_front();
            if (response_.status == Pop3Status::ok && pop3_answer_is_multi_line(answers_)) {
                content_.emplace(kKeptOfContent);  // RFC 1939 §3: the content follows, to a lone period
                kept_.clear();
                continue;
            }
            layers.push_back(response_layer(std::nullopt));
        }
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(at));
    }

    void read_client(std::vector<std::uint8_t>& buffer, std::vector<Layer>& layers) override {
        std::size_t at = 0;
        while (!broken() && at < buffer.size()) {
            if (challenges_ > 0) {
                // RFC 5034 §4: the answer to a challenge, base64 (or "*" to cancel).
                auto line = next_text_line(as_text(Bytes(buffer)), at, 8192, LineEnd::crlf_or_lf);
                if (line.state == TextLine::State::incomplete) break;
                if (line.state != TextLine::State::complete) {
                    fail(layers, "an answer to an AUTH challenge that is not a line");
                    break;
                }
                --challenges_;
                layers.push_back(kPop3Fields.layer(
                    "POP3 AUTH answer " + std::string(line.text),
                    {{kPop3Fields["message"], "auth-answer"}, {kPop3Fields["text"], std::string(line.text)}}));
                at = line.next;
                continue;
            }
            auto command = read_pop3_command(Bytes(buffer).subspan(at));
            if (command.state == TextRead<Pop3Command>::State::incomplete) break;
            if (command.state == TextRead<Pop3Command>::State::error) {
                fail(layers, command.error);
                break;
            }
            at += command.size;
            if (unanswered_.size() == kMaxUnanswered) unanswered_.pop_front();
            unanswered_.push_back(command.message);
            auto summary = command.message.argument.empty() ? "POP3 " + command.message.verb
                                                            : "POP3 " + command.message.verb + " " + command.message.argument;
            layers.push_back(kPop3Fields.layer(std::move(summary),
                                               {{kPop3Fields["message"], "command"},
                                                {kPop3Fields["verb"], command.message.verb},
                                                {kPop3Fields["argument"], command.message.argument}}));
        }
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(at));
    }

    Layer response_layer(std::optional<std::uint64_t> content_bytes) {
        json fields = {{kPop3Fields["message"], "response"},
                       {kPop3Fields["status"], status_text(response_.status)},
                       {kPop3Fields["text"], response_.text},
                       {kPop3Fields["answers"], answers_.verb}};
        auto summary = fmt::format("POP3 {}", status_text(response_.status));
        if (!response_.text.empty()) summary += " " + response_.text;
        if (content_bytes) {
            fields[kPop3Fields["content_bytes"]] = *content_bytes;
            auto content = fmt::format("{} bytes", *content_bytes);
            if (answers_.verb == "RETR" || answers_.verb == "TOP") {
                auto headers = message_headers(kept_);
                fields[kPop3Fields["subject"]] = headers.subject;
                fields[kPop3Fields["from"]] = headers.from;
                auto described = describe_headers(headers);
                if (!described.empty()) content += ", " + described;
            }
            summary += " (" + content + ")";
            kept_.clear();
        }
        return kPop3Fields.layer(std::move(summary), std::move(fields));
    }

    std::deque<Pop3Command> unanswered_;
    bool greeted_ = false;
    int challenges_ = 0;
    Pop3Response response_;
    Pop3Command answers_;
    std::optional<DotStuffedReader> content_;
    std::string kept_;
};

}  // namespace

bool Pop3Decoder::serves(std::uint8_t ip_protocol, std::uint16_t server_port) const {
    return ip_protocol == ip_protocol::kTcp && server_port == 110;
}

std::vector<Layer> Pop3Decoder::datagram(Bytes, FlowDirection) { return {}; }

std::unique_ptr<ConnectionDecoder> Pop3Decoder::open_connection(const TcpFlow&) {
    return std::make_unique<Pop3Connection>();
}

}  // namespace emu::trace
