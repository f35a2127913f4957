#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "emud/trace/application.hpp"

namespace emu::trace {

/// What a control connection has said about its transfers, shared with the data
/// connections it announced.
struct FtpSession {
    TcpFlow control;
    std::string transfer;  ///< the latest RETR, STOR, LIST … command, "RETR notes.txt"
};

/// FTP in the trace (RFC 959, 2428): the control connection on port 21 a layer per command
/// and per reply ("FTP RETR notes.txt", "FTP 227 PASV → 10.0.2.21:50123",
/// "FTP PORT 10.0.1.10:40000"), and each data connection that a PASV or EPSV reply, or a
/// PORT or EPRT command, announced, shown as that session's: "FTP-DATA 10.0.2.21:50123 →
/// 10.0.1.10:41234 1448 bytes (RETR notes.txt)".
class FtpDecoder : public ApplicationDecoder {
public:
    /// Announced data connections remembered at most; the oldest is forgotten first.
    static constexpr std::size_t kMaxAnnounced = 256;

    bool serves(std::uint8_t ip_protocol, std::uint16_t server_port) const override;
    std::vector<Layer> datagram(wire::Bytes payload, FlowDirection direction) override;
    std::unique_ptr<ConnectionDecoder> open_connection(const TcpFlow& flow) override;
    std::unique_ptr<ConnectionDecoder> claim_connection(const TcpFlow& flow) override;

    /// A data connection will be opened to `listener` (the server's, for passive mode; the
    /// client's, for active mode, opened from the server's port 20) for `session`.
    void announce(const TcpEndpoint& listener, bool passive, std::shared_ptr<FtpSession> session);

private:
    struct Announced {
        bool passive = true;
        std::shared_ptr<FtpSession> session;
    };
    // By listener, the newest announcement of each: claim_connection runs for every segment
    // of a TCP flow nobody follows, so the look-up is a map's, not a walk through them all.
    std::map<TcpEndpoint, Announced> announced_;
    std::deque<TcpEndpoint> order_;  // announcements, oldest first, to forget beyond kMaxAnnounced
};

}  // namespace emu::trace
