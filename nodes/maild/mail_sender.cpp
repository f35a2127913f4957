#include "nodes/maild/mail_sender.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lib/net/asio_address.hpp"
#include "lib/wire/text_line.hpp"
#include "nodes/common/deadline.hpp"
#include "nodes/host/resolver.hpp"

namespace emu::mail {
namespace {

using tcp = asio::ip::tcp;
using boost::system::error_code;

// An exchange name as a host name: "mail.b.example." → "mail.b.example".
std::string host_name(const wire::DnsName& name) {
    auto text = name.to_string();
    if (text.size() > 1 && text.back() == '.') text.pop_back();
    return text;
}

}  // namespace

std::string domain_of(const std::string& address) {
    auto at = address.rfind('@');
    if (at == std::string::npos) return {};
    return wire::lower_ascii(std::string_view(address).substr(at + 1));
}

asio::awaitable<std::vector<std::string>> mail_exchangers(asio::io_context& io, const host::ResolverConfig& resolver,
                                                          const std::string& domain, bool& no_such_domain) {
    no_such_domain = false;
    host::ResolverConfig absolute = resolver;
    absolute.search.clear();  // a mail domain is whole: never tried in the search list
    host::Resolver ask(io, absolute);
    auto answer = co_await ask.resolve(domain + ".", wire::dns_type::kMx);
    if (answer.rcode == wire::dns_rcode::kNxDomain) {
        no_such_domain = true;
        co_return std::vector<std::string>{};
    }
    std::vector<wire::DnsMx> records;
    for (const auto& record : answer.chain) {
        if (const auto* mx = std::get_if<wire::DnsMx>(&record.data)) records.push_back(*mx);
    }
    // RFC 5321 §5.1: no MX record, the domain itself; a lower preference first.
    if (records.empty()) co_return std::vector<std::string>{domain};
    // RFC 7505 §3: a lone MX of "." says the domain takes no mail at all.
    if (records.size() == 1 && records.front().exchange.labels.empty()) {
        no_such_domain = true;
        co_return std::vector<std::string>{};
    }
    std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.preference < b.preference; });
    std::vector<std::string> hosts;
    for (const auto& record : records) hosts.push_back(host_name(record.exchange));
    co_return hosts;
}

asio::awaitable<SendResult> send_to_host(asio::io_context& io, const host::ResolverConfig& resolver, const std::string& host,
                                         std::uint16_t port, const std::string& client_name, const Envelope& envelope,
                                         const std::string& message, std::chrono::milliseconds timeout,
                                         const Transcript& transcript) {
    SendResult result;
    result.server = host;
    wire::Ipv4Address address;
    try {
        address = co_await host::resolve_ipv4(io, resolver, host);
    } catch (const std::exception& error) {
        result.failure = error.what();
        co_return result;
    }
    result.server = host == address.to_string() ? host : fmt::format("{} ({})", host, address.to_string());
    tcp::socket socket(io);
    node::Deadline deadline(io.get_executor(), timeout, [&socket] {
        error_code ignored;
        socket.close(ignored);
    });
    error_code error;
    co_await socket.async_connect({net::asio_address(address), port},
                                  asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        result.failure = fmt::format("connecting to {}: {}", result.server, deadline.expired() ? "timed out" : error.message());
        co_return result;
    }
    SmtpClient client(client_name, envelope, message);
    std::vector<std::uint8_t> buffer;
    std::array<std::uint8_t, 4096> chunk{};
    while (!client.finished()) {
        auto read = wire::read_smtp_reply({buffer.data(), buffer.size()});
        if (read.state == wire::TextRead<wire::SmtpReply>::State::error) {
            client.on_closed();
            result.failure = fmt::format("{} sent what is not SMTP: {}", result.server, read.error);
            break;
        }
        if (read.complete()) {
            buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(read.size));
            for (const auto& line : read.message.lines) transcript(fmt::format("< {} {}", read.message.code, line));
            auto next = client.on_reply(read.message);
            bool content = read.message.code == 354;
            if (next.empty()) continue;
            transcript(content ? fmt::format("> ({} bytes of message, then .)", message.size())
                               : "> " + next.substr(0, next.size() - 2));
            co_await asio::async_write(socket, asio::buffer(next), asio::redirect_error(asio::use_awaitable, error));
            if (error) {
                client.on_closed();
                break;
            }
            continue;
        }
        auto got = co_await socket.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, error));
        if (error) {
            client.on_closed();
            if (deadline.expired()) result.failure = "timed out";
            break;
        }
        buffer.insert(buffer.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
    }
    error_code ignored;
    socket.close(ignored);
    result.outcome = client.outcome();
    if (result.failure.empty()) result.failure = client.failure();
    result.refused = client.refused();
    co_return result;
}

asio::awaitable<SendResult> send_to_domain(asio::io_context& io, const host::ResolverConfig& resolver, const std::string& domain,
                                           const std::string& client_name, const Envelope& envelope, const std::string& message,
                                           std::chrono::milliseconds timeout, const Transcript& transcript) {
    SendResult result;
    bool no_such_domain = false;
    std::vector<std::string> hosts;
    try {
        hosts = co_await mail_exchangers(io, resolver, domain, no_such_domain);
    } catch (const std::exception& error) {
        result.failure = fmt::format("looking up the MX of {}: {}", domain, error.what());
        co_return result;
    }
    if (no_such_domain) {
        result.outcome = SmtpClient::Outcome::permanent_failure;
        result.failure = domain + ": it takes no mail (no such domain, or a null MX, RFC 7505)";
        co_return result;
    }
    transcript(fmt::format("* MX of {}: {}", domain, fmt::join(hosts, ", ")));
    for (const auto& host : hosts) {
        result = co_await send_to_host(io, resolver, host, 25, client_name, envelope, message, timeout, transcript);
        if (result.outcome != SmtpClient::Outcome::temporary_failure) break;
        transcript(fmt::format("* {}: {}", result.server, result.failure));
    }
    co_return result;
}

}  // namespace emu::mail
