// emu-dnsd: the authoritative DNS server of an emu lab node. emud starts it inside the node
// with the zones it wrote from the node's `services: dns:` (docs/dns.md).
#include <CLI/CLI.hpp>
#include <iostream>

#include <spdlog/spdlog.h>

#include "nodes/common/batched_log.hpp"
#include "nodes/common/node_program.hpp"
#include "nodes/dnsd/config_json.hpp"
#include "nodes/dnsd/server_loop.hpp"

int main(int argc, char** argv) {
    CLI::App app{"emu-dnsd: an authoritative DNS server (RFC 1034/1035) for emu labs. It answers for its zones "
                 "on UDP and TCP port 53 of every address of its node; other names are REFUSED."};
    std::string config_path, data_directory = ".";
    std::uint16_t port = 53;
    app.add_option("-c,--config", config_path, "the configuration file (JSON, as emud writes it)")->required();
    app.add_option("-d,--data", data_directory, "unused: the zones are in the configuration")->capture_default_str();
    app.add_option("-p,--port", port, "the port to answer on")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    spdlog::set_pattern(emu::node::kLogPattern);

    std::vector<emu::dns::Zone> zones;
    try {
        zones = emu::dns::zones_from_json(emu::node::read_json_config(config_path));
    } catch (const std::exception& error) {
        std::cerr << "emu-dnsd: configuration " << config_path << ": " << error.what() << '\n';
        return 2;
    }
    try {
        std::size_t records = 0;
        for (const auto& zone : zones) records += zone.records.size();
        emu::dns::Authority authority(std::move(zones));
        emu::asio::io_context io;
        auto log = emu::node::use_batched_log(io);
        emu::dns::ServerLoop loop(io, authority, port);
        spdlog::info("dnsd.start zones={} records={} port={}", authority.zone_count(), records, port);
        bool stopped_cleanly = emu::node::run_until_stopped(io, loop.run(), "dnsd.failed");
        log->detach();
        const auto& counters = authority.counters();
        spdlog::info("dnsd.stop queries={} answers={} nodata={} nxdomain={} referrals={} refused={} formerr={} malformed={}",
                     counters.queries, counters.answers, counters.nodata, counters.nxdomain, counters.referrals,
                     counters.refused, counters.formerr, loop.malformed());
        return stopped_cleanly ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "emu-dnsd: " << error.what() << '\n';
        return 1;
    }
}
