#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "lib/wire/dns.hpp"

namespace emu::host {

/// What resolv.conf(5) says: the name servers in order, the search list, and the options a
/// stub resolver uses (ndots, timeout, attempts), with the C library's defaults.
struct ResolverConfig {
    std::vector<wire::IpAddress> nameservers;
    std::vector<wire::DnsName> search;
    int ndots = 1;
    std::chrono::milliseconds timeout{5000};
    int attempts = 2;
};

/// Reads resolv.conf text: `nameserver`, `search` and `domain` (the last of them wins, as in
/// the C library), `options ndots:N timeout:N attempts:N`; anything else is ignored, as the
/// C library does. No name server: 127.0.0.1, the C library's default.
ResolverConfig parse_resolv_conf(std::string_view text);

/// The names to ask, in order, for what a user typed (resolv.conf(5)): a name ending in a dot
/// as it is; one with at least `ndots` dots as it is, then with each search domain; a
/// shorter one with each search domain first. Fails for text that is not a name.
tl::expected<std::vector<wire::DnsName>, std::string> names_to_ask(std::string_view name, const ResolverConfig& config);

/// The records of an answer that lead from the question's name to its type: the CNAMEs in
/// order, then the records of the type at the chain's end (RFC 1034 §3.6.2, §4.3.2).
std::vector<wire::DnsRecord> answer_chain(const wire::DnsMessage& response, const wire::DnsQuestion& question);

}  // namespace emu::host
