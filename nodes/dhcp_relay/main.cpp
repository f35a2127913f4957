// emu-dhcp-relay: the DHCP relay agent of an emu lab router (RFC 2131 §4.1, RFC 1542 §4,
// RFC 3046). emud starts it with the configuration it wrote from `services: dhcp-relay:`.
#include <CLI/CLI.hpp>
#include <iostream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "nodes/common/node_program.hpp"
#include "nodes/dhcp_relay/relay_loop.hpp"

namespace {

// {"servers": ["10.0.2.2"], "interfaces": ["eth1"], "max_hops": 4}
emu::dhcp::RelayConfig relay_config_from(const nlohmann::json& json) {
    if (!json.is_object()) throw std::invalid_argument("must be an object");
    emu::dhcp::RelayConfig config;
    for (const auto& server : json.value("servers", nlohmann::json::array())) {
        auto address = server.is_string() ? emu::wire::Ipv4Address::parse(server.get<std::string>())
                                          : tl::unexpected(std::string("not a string"));
        if (!address) throw std::invalid_argument("servers: " + server.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + " is not an IPv4 address");
        config.servers.push_back(*address);
    }
    if (config.servers.empty()) throw std::invalid_argument("servers: at least one server is needed");
    for (const auto& name : json.value("interfaces", nlohmann::json::array())) {
        if (!name.is_string()) throw std::invalid_argument("interfaces: " + name.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + " is not an interface name");
        config.client_interfaces.push_back(name.get<std::string>());
    }
    if (config.client_interfaces.empty()) throw std::invalid_argument("interfaces: at least one client link is needed");
    auto hops = json.value("max_hops", 4);
    if (hops < 1 || hops > 16) throw std::invalid_argument("max_hops: from 1 to 16 (RFC 1542 §4.1.1)");
    config.max_hops = static_cast<std::uint8_t>(hops);
    return config;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"emu-dhcp-relay: a DHCP relay agent for emu labs. It forwards the requests of clients on its client "
                 "links to the DHCP servers, with giaddr and option 82 set, and hands their replies back."};
    std::string config_path, data_directory;
    app.add_option("-c,--config", config_path, "the configuration file (JSON, as emud writes it)")->required();
    app.add_option("-d,--data", data_directory, "unused: the relay keeps no state");
    CLI11_PARSE(app, argc, argv);
    spdlog::set_pattern(emu::node::kLogPattern);

    emu::dhcp::RelayConfig config;
    try {
        config = relay_config_from(emu::node::read_json_config(config_path));
    } catch (const std::exception& error) {
        std::cerr << "emu-dhcp-relay: configuration " << config_path << ": " << error.what() << '\n';
        return 2;
    }
    try {
        emu::dhcp::RelayAgent agent(config);
        emu::asio::io_context io;
        emu::dhcp::RelayLoop loop(io, agent);
        std::string links, servers;
        for (const auto& name : config.client_interfaces) links += (links.empty() ? "" : ",") + name;
        for (const auto& server : config.servers) servers += (servers.empty() ? "" : ",") + server.to_string();
        spdlog::info("relay.start links={} servers={}", links, servers);
        bool stopped_cleanly = emu::node::run_until_stopped(io, loop.run(), "relay.failed");
        return stopped_cleanly ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-dhcp-relay: " << error.what() << '\n';
        return 1;
    }
}
