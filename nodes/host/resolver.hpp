#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "lib/net/asio.hpp"
#include "nodes/host/stub_resolver.hpp"

namespace emu::host {

/// What resolving a name came to.
struct Resolution {
    wire::DnsName asked;  ///< the name whose answer this is (after the search list)
    std::uint16_t type = wire::dns_type::kA;
    std::uint8_t rcode = wire::dns_rcode::kNoError;
    std::vector<wire::DnsRecord> chain;  ///< CNAMEs, then the records of the type; empty: none
    std::string server;                  ///< who answered
    bool truncated_then_tcp = false;     ///< the UDP answer had TC; this one came over TCP
    bool found() const { return !chain.empty() && chain.back().type == type; }
};

/// A stub resolver (RFC 1123 §6.1.3.1) like the C library's: each name of the search list in
/// turn, each server in turn for `attempts` rounds, a UDP query with EDNS (RFC 6891) that
/// waits `timeout`, and the same question over TCP when the answer comes truncated (RFC
/// 1035 §4.2.1, RFC 7766 §5). NXDOMAIN and NODATA move on to the next name; SERVFAIL,
/// REFUSED and silence to the next server.
class Resolver {
public:
    Resolver(asio::io_context& io, ResolverConfig config);

    /// Throws std::runtime_error when no server answered at all, or the name is not one.
    asio::awaitable<Resolution> resolve(std::string name, std::uint16_t type);

private:
    asio::awaitable<std::optional<wire::DnsMessage>> ask_udp(const asio::ip::address& server,
                                                             const wire::DnsMessage& query);
    asio::awaitable<std::optional<wire::DnsMessage>> ask_tcp(const asio::ip::address& server,
                                                             const wire::DnsMessage& query);

    asio::io_context& io_;
    ResolverConfig config_;
    std::mt19937 random_;
};

/// The IPv4 address of a host as a user gives it: an address as it is, else its A record
/// through `config` (its CNAMEs followed). Throws std::runtime_error naming what failed.
asio::awaitable<wire::Ipv4Address> resolve_ipv4(asio::io_context& io, const ResolverConfig& config,
                                                const std::string& host);

}  // namespace emu::host
