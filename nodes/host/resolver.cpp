#include "nodes/host/resolver.hpp"

#include <memory>
#include <stdexcept>

#include <fmt/format.h>

namespace emu::host {
namespace {

bool answers(const wire::DnsMessage& response, const wire::DnsMessage& query) {
    return response.header.response && response.header.id == query.header.id && response.questions.size() == 1 &&
           response.questions[0].name.equals(query.questions[0].name) &&
           response.questions[0].type == query.questions[0].type;
}

}  // namespace

Resolver::Resolver(asio::io_context& io, ResolverConfig config)
    : io_(io), config_(std::move(config)), random_(std::random_device{}()) {}

asio::awaitable<std::optional<wire::DnsMessage>> Resolver::ask_udp(const asio::ip::address& server,
                                                                   const wire::DnsMessage& query) {
    asio::ip::udp::socket socket(io_);
    boost::system::error_code error;
    socket.connect({server, wire::DnsMessage::kPort}, error);  // only its replies come in
    if (error) co_return std::nullopt;
    std::vector<std::uint8_t> bytes;
    wire::Writer out(bytes);
    wire::write_dns(out, query);
    socket.send(asio::buffer(bytes), 0, error);
    if (error) co_return std::nullopt;
    asio::steady_timer deadline(io_, config_.timeout);
    deadline.async_wait([&](const boost::system::error_code& expired) {
        if (!expired) socket.cancel();
    });
    // Not zeroed: only what a datagram writes is read (zeroing 64 KiB is page faults, not free).
    constexpr std::size_t kDatagramBytes = 65536;
    auto buffer = std::make_unique_for_overwrite<std::uint8_t[]>(kDatagramBytes);
    while (true) {
        auto size = co_await socket.async_receive(asio::buffer(buffer.get(), kDatagramBytes),
                                                  asio::redirect_error(asio::use_awaitable, error));
        if (error) break;  // the deadline, or the server's port closed (ICMP)
        auto response = wire::parse_dns(wire::Bytes(buffer.get(), size));
        // RFC 5452 §9.1: a reply that does not match the query's id and question is ignored.
        if (response && answers(*response, query)) {
            deadline.cancel();
            co_return std::move(*response);
        }
    }
    deadline.cancel();
    co_return std::nullopt;
}

asio::awaitable<std::optional<wire::DnsMessage>> Resolver::ask_tcp(const asio::ip::address& server,
                                                                   const wire::DnsMessage& query) {
    asio::ip::tcp::socket socket(io_);
    asio::steady_timer deadline(io_, config_.timeout);
    deadline.async_wait([&](const boost::system::error_code& expired) {
        if (!expired) socket.close();
    });
    boost::system::error_code error;
    co_await socket.async_connect({server, wire::DnsMessage::kPort}, asio::redirect_error(asio::use_awaitable, error));
    std::vector<std::uint8_t> bytes{0, 0};
    wire::Writer out(bytes);
    wire::write_dns(out, query);
    auto length = bytes.size() - 2;
    bytes[0] = static_cast<std::uint8_t>(length >> 8);
    bytes[1] = static_cast<std::uint8_t>(length);
    if (!error) co_await asio::async_write(socket, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, error));
    std::uint8_t prefix[2] = {};
    if (!error) co_await asio::async_read(socket, asio::buffer(prefix), asio::redirect_error(asio::use_awaitable, error));
    std::vector<std::uint8_t> message(std::size_t{prefix[0]} << 8 | prefix[1]);
    if (!error) co_await asio::async_read(socket, asio::buffer(message), asio::redirect_error(asio::use_awaitable, error));
    deadline.cancel();
    if (error) co_return std::nullopt;
    auto response = wire::parse_dns(message);
    if (!response || !answers(*response, query)) co_return std::nullopt;
    co_return std::move(*response);
}

asio::awaitable<Resolution> Resolver::resolve(std::string name, std::uint16_t type) {
    auto names = names_to_ask(name, config_);
    if (!names) throw std::runtime_error("'" + name + "' is not a name: " + names.error());
    std::optional<Resolution> negative;
    std::string silent;
    for (const auto& asked : *names) {
        bool settled = false;
        for (int attempt = 0; attempt < config_.attempts && !settled; ++attempt) {
            for (const auto& server : config_.nameservers) {
                wire::DnsMessage query;
                query.header.id = static_cast<std::uint16_t>(random_());
                query.header.recursion_desired = true;
                query.questions.push_back({asked, type, wire::dns_class::kIn});
                query.set_edns({1232, 0, 0, false, {}});
                auto address = asio::ip::make_address(server.to_string());
                auto response = co_await ask_udp(address, query);
                bool over_tcp = false;
                if (response && response->header.truncated) {
                    response = co_await ask_tcp(address, query);
                    over_tcp = true;
                }
                if (!response) {
                    silent = server.to_string();
                    continue;
                }
                auto rcode = response->header.rcode;
                if (rcode != wire::dns_rcode::kNoError && rcode != wire::dns_rcode::kNxDomain) continue;
                Resolution resolution{asked, type, rcode, answer_chain(*response, query.questions[0]),
                                      server.to_string(), over_tcp};
                if (resolution.found()) co_return resolution;
                // NXDOMAIN or NODATA: on to the next name. A NODATA is what is reported in the
                // end if no name has the type, as the C library does (the name exists).
                if (!negative || negative->rcode == wire::dns_rcode::kNxDomain) negative = std::move(resolution);
                settled = true;
                break;
            }
        }
    }
    if (negative) co_return *negative;
    throw std::runtime_error(fmt::format("no answer for {} from {}", name,
                                         silent.empty() ? std::string("any name server") : silent));
}

asio::awaitable<wire::Ipv4Address> resolve_ipv4(asio::io_context& io, const ResolverConfig& config,
                                                const std::string& host) {
    if (auto literal = wire::Ipv4Address::parse(host)) co_return *literal;
    Resolver resolver(io, config);
    auto resolution = co_await resolver.resolve(host, wire::dns_type::kA);
    if (!resolution.found()) {
        throw std::runtime_error(fmt::format("{}: {}", host,
                                             resolution.rcode == wire::dns_rcode::kNxDomain ? "no such name (NXDOMAIN)"
                                                                                            : "no address (A record)"));
    }
    co_return std::get<wire::Ipv4Address>(resolution.chain.back().data);
}

}  // namespace emu::host
