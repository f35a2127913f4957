#include "emud/trace/command_reply_connection.hpp"

namespace emu::trace {

std::vector<Layer> CommandReplyConnection::on_bytes(std::array<std::vector<std::uint8_t>, 2>& buffers, FlowDirection) {
    std::vector<Layer> layers;
    auto& server = buffers[static_cast<std::size_t>(FlowDirection::to_client)];
    auto& client = buffers[static_cast<std::size_t>(FlowDirection::to_server)];
    if (!broken_) read_server(server, layers);
    if (!broken_) read_client(client, layers);
    if (broken_) {
        server.clear();
        client.clear();
    }
    return layers;
}

void CommandReplyConnection::fail(std::vector<Layer>& layers, const std::string& why) {
    layers.push_back(malformed_layer(protocol_, why));
    broken_ = true;
}

}  // namespace emu::trace
