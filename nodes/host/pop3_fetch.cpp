#include "nodes/host/pop3_fetch.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "lib/net/asio_address.hpp"
#include "lib/wire/pop3.hpp"
#include "nodes/common/deadline.hpp"
#include "nodes/host/resolver.hpp"

namespace emu::host {

asio::awaitable<Pop3Fetch> pop3_fetch(asio::io_context& io, const ResolverConfig& resolver, const std::string& host,
                                      const std::string& user, const std::string& password, bool keep,
                                      std::chrono::milliseconds timeout, const std::function<void(const std::string&)>& transcript) {
    using tcp = asio::ip::tcp;
    Pop3Fetch fetch;
    auto address = co_await resolve_ipv4(io, resolver, host);
    fetch.server = host == address.to_string() ? host : fmt::format("{} ({})", host, address.to_string());
    tcp::socket socket(io);
    node::Deadline deadline(io.get_executor(), timeout, [&socket] {
        boost::system::error_code ignored;
        socket.close(ignored);
    });
    boost::system::error_code error;
    auto fail = [&](const std::string& step) {
        throw std::runtime_error(fmt::format("{} ({}): {}", step, fetch.server, deadline.expired() ? "timed out" : error.message()));
    };
    co_await socket.async_connect({net::asio_address(address), 110},
                                  asio::redirect_error(asio::use_awaitable, error));
    if (error) fail("connecting");
    std::vector<std::uint8_t> buffer;
    std::array<std::uint8_t, 16 * 1024> chunk{};
    // The next response; `multi_line` for the commands whose +OK brings content.
    auto response = [&](bool multi_line) -> asio::awaitable<wire::Pop3Response> {
        while (true) {
            auto read = wire::read_pop3_response({buffer.data(), buffer.size()}, multi_line);
            if (read.state == wire::TextRead<wire::Pop3Response>::State::error) {
                throw std::runtime_error(fetch.server + " sent what is not POP3: " + read.error);
            }
            if (read.complete()) {
                buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(read.size));
                const auto& got = read.message;
                transcript(fmt::format("< {}{}{}{}", got.status == wire::Pop3Status::ok ? "+OK" : "-ERR",
                                       got.text.empty() ? "" : " ", got.text,
                                       got.body ? fmt::format(" ({} bytes follow)", got.body->size()) : ""));
                co_return read.message;
            }
            auto n = co_await socket.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, error));
            if (error) fail("reading a response");
            buffer.insert(buffer.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
        }
    };
    auto command = [&](const std::string& verb, const std::string& argument) -> asio::awaitable<wire::Pop3Response> {
        wire::Pop3Command sent{verb, argument};
        transcript(verb == "PASS" ? "> PASS ****" : fmt::format("> {}{}{}", verb, argument.empty() ? "" : " ", argument));
        auto line = wire::write_pop3_command(sent);
        co_await asio::async_write(socket, asio::buffer(line), asio::redirect_error(asio::use_awaitable, error));
        if (error) fail("sending " + verb);
        auto answer = co_await response(wire::pop3_answer_is_multi_line(sent));
        if (answer.status != wire::Pop3Status::ok) {
            throw std::runtime_error(fmt::format("{}: the server answered -ERR {}", verb == "PASS" ? "PASS" : verb + " " + argument,
                                                 answer.text));
        }
        co_return answer;
    };
    auto greeting = co_await response(false);
    if (greeting.status != wire::Pop3Status::ok) throw std::runtime_error("the greeting: -ERR " + greeting.text);
    co_await command("USER", user);
    co_await command("PASS", password);
    auto status = co_await command("STAT", "");
    // "+OK 2 320": the messages and their octets (RFC 1939 §5).
    std::size_t count = 0;
    auto [end, parse_error] = std::from_chars(status.text.data(), status.text.data() + status.text.size(), count);
    if (parse_error != std::errc()) throw std::runtime_error("STAT's answer has no count: " + status.text);
    (void)end;
    for (std::size_t i = 1; i <= count; ++i) {
        auto message = co_await command("RETR", std::to_string(i));
        fetch.messages.push_back(message.body.value_or(""));
        if (!keep) co_await command("DELE", std::to_string(i));
    }
    // RFC 1939 §6: the DELEs take effect now, and only if QUIT says +OK.
    co_await command("QUIT", "");
    fetch.deleted = !keep && count > 0;
    co_return fetch;
}

}  // namespace emu::host
