// The one description of each layer's fields (emud/trace/layer_fields.hpp) against what the
// decoders make of every golden frame and session, and against docs/trace.md's table: a
// layer's field that is not described, or described and not documented, fails here.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "emud/trace/describe.hpp"
#include "emud/trace/flow_tracker.hpp"
#include "emud/trace/ftp_decoder.hpp"
#include "emud/trace/layer_fields.hpp"
#include "emud/trace/pop3_decoder.hpp"
#include "emud/trace/smtp_decoder.hpp"
#include "lib/wire/frame.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu;
using namespace emu::trace;

namespace {

const LayerDescription* described(const std::string& protocol) {
    for (const auto& layer : kLayers) {
        if (layer.protocol == protocol) return &layer;
    }
    return nullptr;
}

// Every layer's protocol and top-level field must be described; what was seen is counted.
void check_described(const std::vector<Layer>& layers, std::map<std::string, std::set<std::string>>& seen) {
    for (const auto& layer : layers) {
        INFO(layer.summary);
        const auto* description = described(layer.protocol);
        REQUIRE(description != nullptr);
        for (const auto& [key, value] : layer.fields.items()) {
            INFO("field " << key);
            CHECK(description->has(key));
            seen[layer.protocol].insert(key);
        }
    }
}

// One side of a golden session, a line at a time.
std::vector<std::string> lines_of(const std::vector<std::uint8_t>& bytes) {
    std::vector<std::string> lines;
    std::string line;
    for (auto byte : bytes) {
        line += static_cast<char>(byte);
        if (byte == '\n') lines.push_back(std::move(line)), line.clear();
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
}

// A session's two sides to a connection decoder as a conversation: the server's greeting,
// then each complete command (or message) of the client and the server's lines up to its
// next reply, so that commands and replies meet as they did on the wire.
std::vector<Layer> played(ConnectionDecoder& connection, const std::string& session) {
    auto server = lines_of(test::golden_session(session, "server"));
    auto client = lines_of(test::golden_session(session, "client"));
    std::array<std::vector<std::uint8_t>, 2> buffers;
    std::vector<Layer> layers;
    // Sends one line; true when it completed something the decoder made a layer of.
    auto send = [&](FlowDirection direction, const std::string& line) {
        auto& buffer = buffers[static_cast<std::size_t>(direction)];
        buffer.insert(buffer.end(), line.begin(), line.end());
        auto made = connection.on_bytes(buffers, direction);
        for (auto& layer : made) layers.push_back(expanded(std::move(layer)));
        return !made.empty();
    };
    std::size_t next_server = 0;
    auto reply = [&] {
        while (next_server < server.size()) {
            if (send(FlowDirection::to_client, server[next_server++])) return;
        }
    };
    reply();
    for (const auto& line : client) {
        if (send(FlowDirection::to_server, line)) reply();
    }
    while (next_server < server.size()) send(FlowDirection::to_client, server[next_server++]);
    return layers;
}

}  // namespace

TEST_CASE("every layer the decoders make of the golden frames and sessions has only described fields",
          "[trace][fields]") {
    std::map<std::string, std::set<std::string>> seen;
    FlowTracker tracker(make_application_decoders());
    for (const auto& name : test::golden_frame_names()) {
        INFO(name);
        auto bytes = test::golden_frame(name);
        check_described(describe_frame(bytes), seen);
        if (auto decoded = wire::decode_frame(bytes)) check_described(tracker.on_frame(*decoded), seen);
        // A frame cut short ends with a malformed layer.
        check_described(describe_frame(wire::Bytes(bytes).first(bytes.size() / 2)), seen);
    }
    TcpFlow flow{{*wire::Ipv4Address::parse("10.0.9.2"), 40000}, {*wire::Ipv4Address::parse("10.0.9.1"), 21}};
    for (const auto* session : {"ftp_curl_vsftpd_pasv", "ftp_curl_vsftpd_port", "ftp_lftp_vsftpd_list"}) {
        FtpDecoder decoder;
        check_described(played(*decoder.open_connection(flow), session), seen);
    }
    for (const auto* session : {"smtp_swaks_sink", "smtp_swaks_sink_pipelined", "smtp_curl_sink_mime"}) {
        SmtpDecoder decoder;
        check_described(played(*decoder.open_connection(flow), session), seen);
    }
    for (const auto* session : {"pop3_curl_dovecot_retr", "pop3_curl_dovecot_list", "pop3_curl_dovecot_dele"}) {
        Pop3Decoder decoder;
        check_described(played(*decoder.open_connection(flow), session), seen);
    }
    // The corpus reaches every application protocol and most fields.
    for (const auto* protocol : {"Ethernet", "ARP", "IPv4", "ICMP", "IGMP", "UDP", "TCP", "OSPF", "DHCP", "DNS", "RIP",
                                 "HTTP", "FTP", "SMTP", "POP3", "malformed"}) {
        INFO(protocol);
        CHECK(seen.count(protocol) == 1);
    }
    CHECK(seen["SMTP"].count("subject") == 1);
    CHECK(seen["POP3"].count("content_bytes") == 1);
}

TEST_CASE("docs/trace.md's table lists every described field of every layer", "[trace][fields]") {
    std::ifstream in(EMU_SOURCE_DIR "/docs/trace.md");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    std::map<std::string, std::string> rows;  // protocol -> the row's fields column
    std::istringstream lines(text.str());
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("| ", 0) != 0) continue;
        auto bar = line.find(" | ", 2);
        if (bar == std::string::npos) continue;
        rows[line.substr(2, bar - 2)] = line.substr(bar);
    }
    for (const auto& layer : kLayers) {
        if (layer.protocol == kMalformedFields.protocol) continue;  // docs/trace.md says it in words
        std::string protocol(layer.protocol);
        INFO(protocol);
        REQUIRE(rows.count(protocol) == 1);
        for (const auto& field : layer.fields) {
            INFO(field);
            CHECK(rows[protocol].find("`" + std::string(field) + "`") != std::string::npos);
        }
    }
    // A malformed layer's fields are named where docs/trace.md describes it.
    CHECK(text.str().find("fields `layer` and `error`") != std::string::npos);
}

TEST_CASE("each described layer names its carriers among the layers listed before it", "[trace][fields]") {
    // Lowest first: a carrier comes before what it carries, so no layer carries itself.
    for (std::size_t i = 0; i < kLayers.size(); ++i) {
        const auto& layer = kLayers[i];
        INFO(layer.protocol);
        CHECK_FALSE(layer.fields.empty());
        for (const auto& carrier : layer.carried_in->layers) {
            if (carrier.empty()) continue;
            INFO("carried in " << carrier);
            const auto* found = described(std::string(carrier));
            REQUIRE(found != nullptr);
            CHECK(found < &layer);
        }
    }
}
