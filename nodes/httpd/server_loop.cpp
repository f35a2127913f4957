#include "nodes/httpd/server_loop.hpp"

#include <unistd.h>

#include <cerrno>
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nodes/common/serve_connections.hpp"
#include "nodes/httpd/next_request.hpp"

namespace emu::http {
namespace {

std::chrono::system_clock::time_point now() { return std::chrono::system_clock::now(); }

// Reads up to `buffer.size()` bytes of the file from `offset`; fewer only at its end (or on
// an error). pread: the file may be open for several responses at once (OpenFileCache).
std::size_t read_some(int fd, std::span<char> buffer, std::uint64_t offset) {
    std::size_t got = 0;
    while (got < buffer.size()) {
        auto n = ::pread(fd, buffer.data() + got, buffer.size() - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    return got;
}

// RFC 9110 §15.2.1: the interim answer that asks a waiting client for the content.
const std::string& continue_response() {
    static const std::string text = [] {
        wire::HttpResponseHead head;
        head.status = 100;
        head.reason = std::string(wire::http_reason(100));
        return wire::write_response_head(head);
    }();
    return text;
}

}  // namespace

ServerLoop::ServerLoop(asio::io_context& io, const Responder& responder, std::uint16_t port,
                       std::chrono::milliseconds request_timeout)
    : responder_(responder),
      acceptor_(io, asio::ip::tcp::endpoint(asio::ip::address_v4::any(), port)),
      request_timeout_(request_timeout) {}

asio::awaitable<void> ServerLoop::run() {
    // One past the cap is closed without an answer: it has sent no request to answer yet.
    co_await node::serve_connections(acceptor_, kMaximumConnections, "http", "",
                                     [this](asio::ip::tcp::socket socket) { return serve(std::move(socket)); });
}

asio::awaitable<bool> ServerLoop::send(asio::ip::tcp::socket& socket, const ResponsePlan& plan, std::span<char> buffer) {
    boost::system::error_code error;
    auto head = wire::write_response_head(plan.head);
    std::uint64_t left = plan.file ? plan.file_size : 0;
    std::size_t first_part = 0;
    if (plan.file) {
        // A small file goes out with its head in one write: one segment, not two.
        first_part = read_some(plan.file->get(), buffer.first(static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), left))), 0);
        left -= first_part;
    }
    std::array<asio::const_buffer, 3> first{asio::buffer(head), asio::buffer(plan.body), asio::buffer(buffer.data(), first_part)};
    co_await asio::async_write(socket, first, asio::redirect_error(asio::use_awaitable, error));
    if (error) co_return false;
    while (left > 0) {
        auto got = read_some(plan.file->get(), buffer.first(static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), left))),
                             plan.file_size - left);
        // The file shrank while it was sent: the length promised cannot be kept; close.
        if (got == 0) co_return false;
        co_await asio::async_write(socket, asio::buffer(buffer.data(), got), asio::redirect_error(asio::use_awaitable, error));
        if (error) co_return false;
        left -= got;
    }
    co_return true;
}

asio::awaitable<void> ServerLoop::serve(asio::ip::tcp::socket socket) {
    boost::system::error_code ignored;
    auto remote = socket.remote_endpoint(ignored);
    auto peer = remote.address().to_string();
    std::vector<std::uint8_t> buffer;
    // Not zeroed: they are only ever read back after being filled.
    auto chunk = std::make_unique_for_overwrite<std::uint8_t[]>(kReadChunk);
    auto file_buffer = std::make_unique_for_overwrite<char[]>(kFileChunk);
    std::span<char> file_span(file_buffer.get(), kFileChunk);
    asio::steady_timer deadline(socket.get_executor());
    bool timed_out = false;
    while (true) {
        // Each request has request_timeout_ to arrive whole, counted from when it is awaited.
        timed_out = false;
        deadline.expires_after(request_timeout_);
        deadline.async_wait([&](const boost::system::error_code& error) {
            if (error) return;
            timed_out = true;
            boost::system::error_code cancel_error;
            socket.cancel(cancel_error);
        });
        std::optional<NextRequest> request;
        // RFC 9110 §10.1.1: a client that expects 100-continue is answered as soon as the
        // head is in, never after waiting for the content: 100 Continue when the content is
        // to be read, else the final answer.
        std::optional<ResponsePlan> before_content;
        bool answered_head = false;
        while (true) {
            auto next = next_request(buffer, kMaximumBody);
            if (next.state != NextRequest::State::incomplete) {
                request = std::move(next);
                break;
            }
            boost::system::error_code error;
            if (next.awaits_continue && !answered_head) {
                answered_head = true;
                before_content = responder_.answer_before_content(next.head, now());
                if (before_content) {
                    request = std::move(next);
                    break;
                }
                co_await asio::async_write(socket, asio::buffer(continue_response()),
                                           asio::redirect_error(asio::use_awaitable, error));
                if (error) break;
            }
            auto got = co_await socket.async_read_some(asio::buffer(chunk.get(), kReadChunk),
                                                       asio::redirect_error(asio::use_awaitable, error));
            if (error) break;
            buffer.insert(buffer.end(), chunk.get(), chunk.get() + got);
        }
        deadline.cancel();
        if (!request) {
            // Timed out: a 408 if a request had begun (RFC 9110 §15.5.9), else an idle close.
            if (timed_out && !buffer.empty()) {
                auto plan = responder_.error(408, "the request did not arrive in time", now());
                co_await send(socket, plan, file_span);
                spdlog::info("http.access {} - 408", peer);
            }
            break;
        }
        std::string request_line = "-";
        if (request->has_head) {
            const auto& head = request->head;
            request_line = fmt::format("{} {} HTTP/{}.{}", head.method, head.target, head.version.major, head.version.minor);
        }
        ResponsePlan plan;
        if (before_content) {
            plan = std::move(*before_content);
        } else if (request->state == NextRequest::State::refused) {
            plan = responder_.error(request->status, request->error, now());
        } else {
            plan = responder_.respond(request->head, now());
        }
        bool sent = co_await send(socket, plan, file_span);
        spdlog::info("http.access {} \"{}\" {} {}", peer, request_line, plan.head.status,
                     plan.file ? plan.file_size : plan.body.size());
        if (!sent || plan.close) break;
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(request->size));
    }
    socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
}

}  // namespace emu::http
