// HTTP, FTP, SMTP and POP3 in the trace: the golden sessions of tests/data/sessions (curl,
// lftp and swaks against vsftpd, smtp-sink and Dovecot) and golden frames of curl and nginx
// fed through each protocol's connection decoder, and golden frames through the flow
// tracker, which gives an FTP data connection to the control connection that announced it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "emud/trace/flow_tracker.hpp"
#include "emud/trace/ftp_decoder.hpp"
#include "emud/trace/http_decoder.hpp"
#include "emud/trace/pop3_decoder.hpp"
#include "emud/trace/smtp_decoder.hpp"
#include "lib/wire/frame.hpp"
#include "tests/unit/golden_frames.hpp"

using namespace emu;
using namespace emu::trace;

namespace {

TcpEndpoint endpoint(const char* address, std::uint16_t port) { return {*wire::Ipv4Address::parse(address), port}; }

std::string session_text(const std::string& name, const char* side) {
    auto bytes = test::golden_session(name, side);
    return {bytes.begin(), bytes.end()};
}

// A connection decoder fed as the trace feeds it, the layers' summaries collected.
class Fed {
public:
    explicit Fed(std::unique_ptr<ConnectionDecoder> connection) : connection_(std::move(connection)) {
        REQUIRE(connection_);
    }
    /// `text` arriving from the client (to_server) or the server; the summaries of its layers.
    std::vector<std::string> send(FlowDirection direction, const std::string& text) {
        auto& buffer = buffers_[static_cast<std::size_t>(direction)];
        buffer.insert(buffer.end(), text.begin(), text.end());
        std::vector<std::string> summaries;
        // Deferred layers are made here, as the trace makes them when it is read.
        for (auto& layer : expanded(connection_->on_bytes(buffers_, direction))) {
            summaries.push_back(layer.summary);
            layers.push_back(std::move(layer));
        }
        return summaries;
    }
    std::vector<Layer> layers;

private:
    std::unique_ptr<ConnectionDecoder> connection_;
    std::array<std::vector<std::uint8_t>, 2> buffers_;
};

bool has(const std::vector<std::string>& summaries, const std::string& summary) {
    return std::find(summaries.begin(), summaries.end(), summary) != summaries.end();
}

// The front of `text` up to and including the first `end`, taken off it.
std::string take(std::string& text, const std::string& end) {
    auto at = text.find(end);
    REQUIRE(at != std::string::npos);
    auto front = text.substr(0, at + end.size());
    text.erase(0, at + end.size());
    return front;
}

// The TCP payload of a golden frame, as text.
std::string payload_text(const std::string& name) {
    auto bytes = test::golden_frame(name);
    auto decoded = wire::decode_frame(bytes);
    REQUIRE(decoded);
    REQUIRE(decoded->tcp);
    return {decoded->tcp->payload.begin(), decoded->tcp->payload.end()};
}

std::vector<Layer> feed_frame(FlowTracker& tracker, const std::string& name) {
    auto bytes = test::golden_frame(name);
    auto decoded = wire::decode_frame(bytes);
    REQUIRE(decoded);
    return tracker.on_frame(*decoded);
}

}  // namespace

TEST_CASE("FTP in the trace: each command and reply, the passive endpoint, and the listing's data connection",
          "[trace][ftp]") {
    FtpDecoder decoder;
    CHECK(decoder.serves(6, 21));
    CHECK_FALSE(decoder.serves(6, 20));
    TcpFlow control{endpoint("10.0.9.2", 40000), endpoint("10.0.9.1", 21)};
    Fed fed(decoder.open_connection(control));
    auto commands = fed.send(FlowDirection::to_server, session_text("ftp_lftp_vsftpd_list", "client"));
    CHECK(commands == std::vector<std::string>{"FTP FEAT", "FTP USER anonymous", "FTP PWD", "FTP PASV", "FTP LIST", "FTP QUIT"});
    auto replies = fed.send(FlowDirection::to_client, session_text("ftp_lftp_vsftpd_list", "server"));
    REQUIRE(replies.size() == 8);
    CHECK(replies[0] == "FTP 220 (vsFTPd 3.0.3)");
    CHECK(replies[1] == "FTP 211 Features: (+8 lines)");
    CHECK(replies[4].starts_with("FTP 227 PASV → 10.0.9.1:500"));
    const auto& pasv = fed.layers[6 + 4];
    CHECK(pasv.fields["code"] == 227);
    auto listener = pasv.fields["endpoint"].get<std::string>();

    // The data connection to that endpoint is this session's, whoever opens it.
    auto port = static_cast<std::uint16_t>(std::stoi(listener.substr(listener.find(':') + 1)));
    CHECK_FALSE(decoder.claim_connection({endpoint("10.0.9.2", 40001), endpoint("10.0.9.1", 21000)}));
    Fed data(decoder.claim_connection({endpoint("10.0.9.2", 40001), endpoint("10.0.9.1", port)}));
    std::string line = "drwxr-xr-x 2 0 0 4096 Nov 27 04:06 incoming\r\n";
    auto listing = data.send(FlowDirection::to_client, line);
    REQUIRE(listing.size() == 1);
    CHECK(listing[0] == "FTP-DATA " + listener + " → 10.0.9.2:40001 " + std::to_string(line.size()) + " bytes (LIST)");
    CHECK(data.layers[0].fields["mode"] == "passive");
    CHECK(data.layers[0].fields["control"] == "10.0.9.2:40000 → 10.0.9.1:21");
    data.send(FlowDirection::to_client, "more");
    CHECK(data.layers[1].fields["total_bytes"] == line.size() + 4);
}

TEST_CASE("FTP in the trace: active mode's EPRT and PORT, and a PORT to someone else's address flagged",
          "[trace][ftp]") {
    FtpDecoder decoder;
    Fed fed(decoder.open_connection({endpoint("10.0.9.2", 40000), endpoint("10.0.9.1", 21)}));
    auto commands = fed.send(FlowDirection::to_server, session_text("ftp_curl_vsftpd_eprt", "client"));
    CHECK(commands[2].starts_with("FTP EPRT 10.0.9.2:"));
    CHECK(has(commands, "FTP RETR notes.txt"));
    auto listener = fed.layers[2].fields["endpoint"].get<std::string>();
    auto port = static_cast<std::uint16_t>(std::stoi(listener.substr(listener.find(':') + 1)));
    // The server connects from its port 20 to the client's listener.
    Fed data(decoder.claim_connection({endpoint("10.0.9.1", 20), endpoint("10.0.9.2", port)}));
    CHECK(data.send(FlowDirection::to_server, std::string(1448, 'x')) ==
          std::vector<std::string>{"FTP-DATA 10.0.9.1:20 → " + listener + " 1448 bytes (RETR notes.txt)"});
    CHECK(data.layers[0].fields["mode"] == "active");

    // RFC 2577 §3: the bounce attack names a third host in PORT.
    auto bounce = fed.send(FlowDirection::to_server, "PORT 10,0,9,99,0,25\r\n");
    CHECK(bounce == std::vector<std::string>{"FTP PORT 10.0.9.99:25 (not the client's address 10.0.9.2)"});
    CHECK(fed.layers.back().fields["third_party"] == true);
    CHECK(fed.send(FlowDirection::to_server, "\x01\x02\r\n").at(0).starts_with("FTP malformed:"));
}

TEST_CASE("FTP remembers the last 256 data listeners announced, each by its newest announcement", "[trace][ftp]") {
    FtpDecoder decoder;
    Fed fed(decoder.open_connection({endpoint("10.0.9.2", 40000), endpoint("10.0.9.1", 21)}));
    std::string replies;
    // Port 50000 announced first and again last; 50001 … 50299 in between.
    for (int port : {50000}) replies += "229 Entering Extended Passive Mode (|||" + std::to_string(port) + "|)\r\n";
    for (int port = 50001; port < 50300; ++port) replies += "229 Entering Extended Passive Mode (|||" + std::to_string(port) + "|)\r\n";
    replies += "229 Entering Extended Passive Mode (|||50000|)\r\n";
    fed.send(FlowDirection::to_client, replies);
    auto claimed = [&](int port) {
        return decoder.claim_connection({endpoint("10.0.9.2", 41000), endpoint("10.0.9.1", static_cast<std::uint16_t>(port))}) !=
               nullptr;
    };
    CHECK(claimed(50000));       // announced again last: kept
    CHECK_FALSE(claimed(50001));  // among the oldest: forgotten
    CHECK_FALSE(claimed(50044));
    CHECK(claimed(50045));  // the 256 newest announcements: 50045 … 50299 and 50000 again
    CHECK(claimed(50299));
    CHECK_FALSE(claimed(50300));
}

TEST_CASE("The flow tracker gives a data connection to the FTP session whose EPSV reply announced it", "[trace][ftp]") {
    FlowTracker tracker(make_application_decoders());
    auto epsv = feed_frame(tracker, "ftp_vsftpd_epsv");
    REQUIRE(epsv.size() == 1);
    CHECK(epsv[0].summary.starts_with("FTP 229 EPSV → 10.0.9.1:500"));
    // The capture's first data segment comes from the listener: the tracker still knows it.
    auto data = feed_frame(tracker, "ftp_vsftpd_data");
    REQUIRE(data.size() == 1);
    CHECK(data[0].protocol == "FTP-DATA");
    CHECK(data[0].summary.starts_with("FTP-DATA " + epsv[0].fields["endpoint"].get<std::string>() + " → 10.0.9.2:"));
}

TEST_CASE("SMTP in the trace: commands, replies with their lines, and the message once its lone period is in",
          "[trace][smtp]") {
    SmtpDecoder decoder;
    CHECK(decoder.serves(6, 25));
    CHECK(decoder.serves(6, 587));
    Fed fed(decoder.open_connection({endpoint("10.0.9.2", 40000), endpoint("10.0.9.1", 25)}));
    // The client's side first: the message waits for the server's go-ahead (354) to DATA.
    auto client = fed.send(FlowDirection::to_server, session_text("smtp_swaks_sink", "client"));
    CHECK(client == std::vector<std::string>{"SMTP EHLO a.example", "SMTP MAIL FROM:<alice@a.example>",
                                             "SMTP RCPT TO:<bob@b.example>", "SMTP DATA"});
    CHECK(fed.layers[1].fields["mailbox"] == "alice@a.example");
    auto then = fed.send(FlowDirection::to_client, session_text("smtp_swaks_sink", "server"));
    REQUIRE(then.size() == 9);
    CHECK(then[0] == "SMTP 220 b.example ESMTP");
    CHECK(then[1].starts_with("SMTP 250 b.example (PIPELINING, 8BITMIME, "));
    CHECK(then[4] == "SMTP 354 End data with <CR><LF>.<CR><LF>");
    CHECK(fed.layers[4 + 4].fields["answers"] == "DATA");
    CHECK(then[7].starts_with("SMTP message "));
    CHECK(then[7].ends_with(" bytes, Subject: notes, from alice@a.example, to bob@b.example"));
    CHECK(then[8] == "SMTP QUIT");

    // Pipelined (RFC 2920): MAIL, RCPT and DATA in one go; the replies still find their commands.
    Fed pipelined(decoder.open_connection({endpoint("10.0.9.2", 40001), endpoint("10.0.9.1", 25)}));
    auto server = session_text("smtp_swaks_sink_pipelined", "server");
    auto sent = session_text("smtp_swaks_sink_pipelined", "client");
    pipelined.send(FlowDirection::to_client, take(server, "ESMTP\r\n"));
    pipelined.send(FlowDirection::to_server, take(sent, "EHLO a.example\r\n"));
    pipelined.send(FlowDirection::to_client, take(server, "250 \r\n"));
    CHECK(pipelined.send(FlowDirection::to_server, take(sent, "DATA\r\n")).size() == 3);
    pipelined.send(FlowDirection::to_client, take(server, "<CR><LF>.<CR><LF>\r\n"));
    auto message = pipelined.send(FlowDirection::to_server, sent);
    REQUIRE(message.size() == 2);
    CHECK(message[0].ends_with("Subject: notes, from alice@a.example, to bob@b.example"));
    // The server's verdict on the message answers it, and QUIT's reply QUIT.
    auto before = pipelined.layers.size();
    pipelined.send(FlowDirection::to_client, server);
    REQUIRE(pipelined.layers.size() == before + 2);
    CHECK(pipelined.layers[before].fields["code"] == 250);
    CHECK(pipelined.layers[before].fields["answers"] == "message");
    CHECK(pipelined.layers[before + 1].fields["answers"] == "QUIT");

    // A refused DATA: what follows is commands again.
    Fed refused(decoder.open_connection({endpoint("10.0.9.2", 40002), endpoint("10.0.9.1", 25)}));
    refused.send(FlowDirection::to_client, "220 b.example ESMTP\r\n");
    refused.send(FlowDirection::to_server, "DATA\r\n");
    refused.send(FlowDirection::to_client, "503 5.5.1 Error: need RCPT command\r\n");
    CHECK(refused.send(FlowDirection::to_server, "QUIT\r\n") == std::vector<std::string>{"SMTP QUIT"});

    // BDAT (RFC 3030): the message in counted chunks.
    Fed chunked(decoder.open_connection({endpoint("10.0.9.2", 40003), endpoint("10.0.9.1", 25)}));
    auto chunks = chunked.send(FlowDirection::to_server, "BDAT 18\r\nSubject: a\r\n\r\nhi\r\nBDAT 4 LAST\r\nyo\r\nQUIT\r\n");
    CHECK(chunks == std::vector<std::string>{"SMTP BDAT 18", "SMTP BDAT 4 LAST", "SMTP message 22 bytes, Subject: a",
                                             "SMTP QUIT"});
    // An empty last chunk ends the message too.
    Fed empty_last(decoder.open_connection({endpoint("10.0.9.2", 40004), endpoint("10.0.9.1", 25)}));
    CHECK(empty_last.send(FlowDirection::to_server, "BDAT 5\r\nhello" "BDAT 0 LAST\r\n") ==
          std::vector<std::string>{"SMTP BDAT 5", "SMTP BDAT 0 LAST", "SMTP message 5 bytes"});
}

TEST_CASE("POP3 in the trace: the greeting, CAPA's list, AUTH's challenge, and a retrieved message", "[trace][pop3]") {
    Pop3Decoder decoder;
    CHECK(decoder.serves(6, 110));
    Fed fed(decoder.open_connection({endpoint("10.0.9.2", 40000), endpoint("10.0.9.1", 110)}));
    auto server = session_text("pop3_curl_dovecot_retr", "server");
    auto client = session_text("pop3_curl_dovecot_retr", "client");
    std::vector<std::string> seen;
    auto from_server = [&](const std::string& end) {
        for (auto& s : fed.send(FlowDirection::to_client, take(server, end))) seen.push_back(s);
    };
    auto from_client = [&](const std::string& end) {
        for (auto& s : fed.send(FlowDirection::to_server, take(client, end))) seen.push_back(s);
    };
    from_server("ready.\r\n");
    from_client("CAPA\r\n");
    from_server("\r\n.\r\n");
    from_client("AUTH PLAIN\r\n");
    from_server("+ \r\n");
    from_client("=\r\n");
    from_server("Logged in.\r\n");
    from_client("RETR 1\r\n");
    // The message in pieces: its layer comes with the lone period.
    auto message = take(server, "\r\n.\r\n");
    CHECK(fed.send(FlowDirection::to_client, message.substr(0, 40)).empty());
    for (auto& s : fed.send(FlowDirection::to_client, message.substr(40))) seen.push_back(s);
    from_client("QUIT\r\n");
    from_server("Logging out.\r\n");
    CHECK(seen == std::vector<std::string>{
                      "POP3 +OK Dovecot (Debian) ready.", "POP3 CAPA", "POP3 +OK (75 bytes)", "POP3 AUTH PLAIN", "POP3 +",
                      "POP3 AUTH answer AGJvYgBzZWNyZXQ=", "POP3 +OK Logged in.", "POP3 RETR 1",
                      "POP3 +OK 115 octets (115 bytes, Subject: notes, from alice@a.example, to bob@b.example)",
                      "POP3 QUIT",
                      "POP3 +OK Logging out."});
    CHECK(fed.layers[8].fields["answers"] == "RETR");
    CHECK(fed.layers[8].fields["content_bytes"] == 115);

    // DELE: no content; curl's -ERR for an unknown message neither.
    Fed dele(decoder.open_connection({endpoint("10.0.9.2", 40001), endpoint("10.0.9.1", 110)}));
    dele.send(FlowDirection::to_client, "+OK ready\r\n");
    dele.send(FlowDirection::to_server, "LIST\r\nDELE 9\r\n");
    CHECK(dele.send(FlowDirection::to_client, "+OK 2 messages:\r\n1 115\r\n2 70\r\n.\r\n-ERR There's no message 9.\r\n") ==
          std::vector<std::string>{"POP3 +OK 2 messages: (13 bytes)", "POP3 -ERR There's no message 9."});
}

TEST_CASE("HTTP in the trace: each request and response in a line, once its body is in", "[trace][http]") {
    HttpDecoder decoder;
    CHECK(decoder.serves(6, 80));
    CHECK_FALSE(decoder.serves(17, 80));
    Fed fed(decoder.open_connection({endpoint("10.0.9.2", 40000), endpoint("10.0.9.1", 80)}));
    CHECK(fed.send(FlowDirection::to_server, payload_text("http_curl_get")) ==
          std::vector<std::string>{"HTTP GET / Host: 10.0.9.1"});
    CHECK(fed.layers[0].fields["method"] == "GET");
    CHECK(fed.layers[0].fields["headers"]["user-agent"] == "curl/7.88.1");

    // The response, a byte at a time: its layer comes with the last byte of its body.
    auto response = payload_text("http_nginx_ok");
    std::size_t seen = 0;
    for (std::size_t i = 0; i < response.size(); ++i) {
        auto got = fed.send(FlowDirection::to_client, response.substr(i, 1));
        if (!got.empty()) {
            CHECK(i == response.size() - 1);
            CHECK(got[0] == "HTTP 200 OK 81 bytes text/html");
            CHECK(fed.layers.back().fields["status"] == 200);
            seen += got.size();
        }
    }
    CHECK(seen == 1);

    Fed garbage(decoder.open_connection({endpoint("10.0.9.2", 40001), endpoint("10.0.9.1", 80)}));
    garbage.send(FlowDirection::to_server, "HELLO\r\n\r\n");
    REQUIRE(garbage.layers.size() == 1);
    CHECK(garbage.layers[0].protocol == "malformed");
}

TEST_CASE("HTTP in the trace: a response to HEAD has no body, and shows on its own frame", "[trace][http]") {
    HttpDecoder decoder;
    // Alone on its connection (curl -I): nginx's Content-Length says what a GET would get.
    Fed lone(decoder.open_connection({endpoint("10.0.9.2", 40000), endpoint("10.0.9.1", 80)}));
    CHECK(lone.send(FlowDirection::to_server, payload_text("http_curl_head")) ==
          std::vector<std::string>{"HTTP HEAD / Host: 10.0.9.1"});
    CHECK(lone.send(FlowDirection::to_client, payload_text("http_nginx_head")) ==
          std::vector<std::string>{"HTTP 200 OK 0 bytes text/html"});

    // HEAD then GET pipelined in one segment; each answer in a segment of its own.
    Fed pipelined(decoder.open_connection({endpoint("10.0.9.2", 40001), endpoint("10.0.9.1", 80)}));
    CHECK(pipelined.send(FlowDirection::to_server, payload_text("http_curl_head") + payload_text("http_curl_get")) ==
          std::vector<std::string>{"HTTP HEAD / Host: 10.0.9.1", "HTTP GET / Host: 10.0.9.1"});
    CHECK(pipelined.send(FlowDirection::to_client, payload_text("http_nginx_head")) ==
          std::vector<std::string>{"HTTP 200 OK 0 bytes text/html"});
    CHECK(pipelined.send(FlowDirection::to_client, payload_text("http_nginx_ok")) ==
          std::vector<std::string>{"HTTP 200 OK 81 bytes text/html"});
    // And both answers in one segment.
    pipelined.send(FlowDirection::to_server, payload_text("http_curl_head") + payload_text("http_curl_get"));
    CHECK(pipelined.send(FlowDirection::to_client, payload_text("http_nginx_head") + payload_text("http_nginx_ok")) ==
          std::vector<std::string>{"HTTP 200 OK 0 bytes text/html", "HTTP 200 OK 81 bytes text/html"});
}

TEST_CASE("HTTP in the trace: 100 Continue before the body, no body in 204 or 304, and a CONNECT tunnel left alone",
          "[trace][http]") {
    HttpDecoder decoder;
    Fed upload(decoder.open_connection({endpoint("10.0.9.2", 40000), endpoint("10.0.9.1", 80)}));
    // The request shows once its body is in; the interim answer comes before, and the final
    // one still answers the PUT.
    CHECK(upload.send(FlowDirection::to_server,
                      "PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
              .empty());
    CHECK(upload.send(FlowDirection::to_client, "HTTP/1.1 100 Continue\r\n\r\n") ==
          std::vector<std::string>{"HTTP 100 Continue 0 bytes"});
    CHECK(upload.send(FlowDirection::to_server, "hello") == std::vector<std::string>{"HTTP PUT /up Host: a 5 bytes"});
    upload.send(FlowDirection::to_server, "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(upload.send(FlowDirection::to_client,
                      "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n"
                      "HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n"
                      "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc") ==
          std::vector<std::string>{"HTTP 204 No Content 0 bytes", "HTTP 304 Not Modified 0 bytes",
                                   "HTTP 201 Created 3 bytes"});

    // RFC 9110 §9.3.6: after a 2xx to CONNECT the bytes are the tunnel's, not HTTP.
    Fed tunnel(decoder.open_connection({endpoint("10.0.9.2", 40001), endpoint("10.0.9.1", 80)}));
    tunnel.send(FlowDirection::to_server, "CONNECT b.example:443 HTTP/1.1\r\nHost: b.example:443\r\n\r\n");
    CHECK(tunnel.send(FlowDirection::to_client, "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01") ==
          std::vector<std::string>{"HTTP 200 Connection established 0 bytes"});
    CHECK(tunnel.send(FlowDirection::to_server, "\x16\x03\x01\x02\x00\r\n\r\n").empty());
    CHECK(tunnel.send(FlowDirection::to_client, "HTTP/1.1 200 OK\r\n\r\n").empty());
}
