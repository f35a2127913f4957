#include "nodes/host/http_get.hpp"

#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "nodes/common/deadline.hpp"
#include "nodes/host/resolver.hpp"

namespace emu::host {

asio::awaitable<HttpFetch> http_get(asio::io_context& io, const ResolverConfig& resolver_config, const HttpUrl& url,
                                    std::chrono::milliseconds timeout) {
    HttpFetch fetch;
    fetch.address = (co_await resolve_ipv4(io, resolver_config, url.host)).to_string();

    boost::system::error_code error;
    asio::ip::tcp::socket socket(io);
    node::Deadline deadline(io.get_executor(), timeout, [&socket] {
        boost::system::error_code ignored;
        socket.close(ignored);
    });
    auto fail = [&](const std::string& step) {
        throw std::runtime_error(fmt::format("{} {}:{}: {}", step, fetch.address, url.port,
                                             deadline.expired() ? "timed out" : error.message()));
    };
    co_await socket.async_connect({asio::ip::make_address(fetch.address), url.port},
                                  asio::redirect_error(asio::use_awaitable, error));
    if (error) fail("connect to");
    wire::HttpRequestHead request;
    request.method = "GET";
    request.target = url.target;
    request.fields.add("Host", url.port == 80 ? url.host : fmt::format("{}:{}", url.host, url.port));
    request.fields.add("User-Agent", "emu-host");
    request.fields.add("Accept", "*/*");
    request.fields.add("Connection", "close");
    auto bytes = wire::write_request_head(request);
    co_await asio::async_write(socket, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, error));
    if (error) fail("send to");

    std::vector<std::uint8_t> buffer;
    constexpr std::size_t kChunkBytes = 64 * 1024;
    auto chunk = std::make_unique_for_overwrite<std::uint8_t[]>(kChunkBytes);  // only what is read is used
    bool ended = false;
    auto read_more = [&]() -> asio::awaitable<void> {
        auto got = co_await socket.async_read_some(asio::buffer(chunk.get(), kChunkBytes),
                                                   asio::redirect_error(asio::use_awaitable, error));
        buffer.insert(buffer.end(), chunk.get(), chunk.get() + got);
        if (error == asio::error::eof) {
            ended = true;
            error.clear();
        }
    };
    while (true) {
        auto head = wire::read_response_head(buffer);
        if (head.state == wire::HttpHeadResult<wire::HttpResponseHead>::State::error) {
            throw std::runtime_error("the response from " + fetch.address + " is not HTTP: " + head.error);
        }
        if (head.state == wire::HttpHeadResult<wire::HttpResponseHead>::State::complete) {
            fetch.head = head.head;
            buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(head.size));
            break;
        }
        if (ended) throw std::runtime_error("the connection to " + fetch.address + " ended before a response");
        co_await read_more();
        if (error) fail("read from");
    }
    auto framing = wire::response_body_framing(fetch.head, "GET");
    if (framing.status != 0) throw std::runtime_error("the response from " + fetch.address + ": " + framing.error);
    switch (framing.framing.kind) {
        case wire::HttpBodyFraming::Kind::none:
            break;
        case wire::HttpBodyFraming::Kind::length:
            while (buffer.size() < framing.framing.length && !ended) {
                co_await read_more();
                if (error) fail("read from");
            }
            if (buffer.size() < framing.framing.length) {
                throw std::runtime_error(fmt::format("the body from {} ended after {} of {} bytes", fetch.address,
                                                     buffer.size(), framing.framing.length));
            }
            fetch.body.assign(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(framing.framing.length));
            break;
        case wire::HttpBodyFraming::Kind::chunked: {
            wire::ChunkedDecoder decoder;
            std::size_t at = 0;
            while (true) {
                at += decoder.feed(wire::Bytes(buffer).subspan(at), fetch.body);
                if (decoder.failed()) throw std::runtime_error("the chunked body from " + fetch.address + ": " + decoder.error());
                if (decoder.done()) break;
                if (ended) throw std::runtime_error("the chunked body from " + fetch.address + " ended early");
                co_await read_more();
                if (error) fail("read from");
            }
            break;
        }
        case wire::HttpBodyFraming::Kind::until_close:
            while (!ended) {
                co_await read_more();
                if (error) fail("read from");
            }
            fetch.body = buffer;
            break;
    }
    co_return fetch;
}

}  // namespace emu::host
