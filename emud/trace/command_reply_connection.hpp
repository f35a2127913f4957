#pragma once

#include <string>
#include <vector>

#include "emud/trace/application.hpp"

namespace emu::trace {

/// A connection of a protocol whose client waits on the server's replies (SMTP, POP3):
/// each call reads the server's side first, since a reply can change how the client's
/// bytes after it are framed (SMTP's 354 starts a message; a POP3 challenge is answered
/// with a line that is no command). What does not parse ends the decoding of the
/// connection: after it, nothing can be framed.
class CommandReplyConnection : public ConnectionDecoder {
public:
    explicit CommandReplyConnection(std::string protocol) : protocol_(std::move(protocol)) {}

    std::vector<Layer> on_bytes(std::array<std::vector<std::uint8_t>, 2>& buffers, FlowDirection newest) final;

protected:
    /// Takes every complete reply (or response) from the front of `buffer`.
    virtual void read_server(std::vector<std::uint8_t>& buffer, std::vector<Layer>& layers) = 0;
    /// Takes every complete command (or message, or answer) from the front of `buffer`.
    virtual void read_client(std::vector<std::uint8_t>& buffer, std::vector<Layer>& layers) = 0;

    /// Adds the malformed layer and stops decoding the connection.
    void fail(std::vector<Layer>& layers, const std::string& why);
    bool broken() const { return broken_; }

private:
    std::string protocol_;
    bool broken_ = false;
};

}  // namespace emu::trace
