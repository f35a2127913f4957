#include "nodes/router/inspection_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include <spdlog/spdlog.h>

#include "lib/util/unique_fd.hpp"

namespace emu::router {
namespace {

using nlohmann::json;
using Local = asio::local::stream_protocol;

// A question is a few words; a report of a big lab's table is well under this.
constexpr std::size_t kMaxQuestionBytes = 1024;
constexpr std::size_t kMaxReportBytes = 64u * 1024 * 1024;
// A client that says nothing is dropped after this.
constexpr auto kQuestionTimeout = std::chrono::seconds(2);

std::string abstract_name() { return std::string(1, '\0') + std::string(kInspectionSocketName); }

// Only root (or whoever runs the daemon) may ask: what a router knows is the lab owner's.
bool trusted_peer(int fd) {
    ucred peer{};
    socklen_t length = sizeof peer;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0) return false;
    return peer.uid == 0 || peer.uid == ::geteuid();
}

}  // namespace

InspectionServer::InspectionServer(asio::io_context& io, Answer answer)
    : io_(io), answer_(std::move(answer)), acceptor_(io, Local::endpoint(abstract_name())) {}

asio::awaitable<void> InspectionServer::run() {
    for (;;) {
        auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
        asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> InspectionServer::serve(Local::socket socket) {
    asio::steady_timer deadline(io_, kQuestionTimeout);
    deadline.async_wait([&socket](const boost::system::error_code& error) {
        if (!error) socket.close();
    });
    std::string reply;
    try {
        if (!trusted_peer(socket.native_handle())) {
            reply = json{{"error", "only root may ask this router"}}.dump();
        } else {
            std::string question;
            co_await asio::async_read_until(socket, asio::dynamic_buffer(question, kMaxQuestionBytes), '\n',
                                            asio::use_awaitable);
            auto request = json::parse(question.substr(0, question.find('\n')), nullptr, false);
            if (!request.is_object() || !request.contains("show") || !request["show"].is_string()) {
                reply = json{{"error", "not a question this router understands"}}.dump();
            } else {
                try {
                    reply = json{{"report", answer_(request["show"].get<std::string>())}}.dump();
                } catch (const std::invalid_argument& unknown) {
                    reply = json{{"error", unknown.what()}}.dump();
                }
            }
        }
        reply += '\n';
        co_await asio::async_write(socket, asio::buffer(reply), asio::use_awaitable);
    } catch (const boost::system::system_error& error) {
        // A client that went away or said too much or nothing: nothing to answer.
        spdlog::debug("router.inspection_dropped: {}", error.what());
    }
    deadline.cancel();
}

tl::expected<json, std::string> ask_router(const std::string& topic, std::chrono::milliseconds timeout) {
    util::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return tl::unexpected(std::string("cannot make a socket: ") + std::strerror(errno));
    timeval limit{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const auto name = abstract_name();
    std::memcpy(address.sun_path, name.data(), name.size());
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) {
        if (errno == ECONNREFUSED) {
            return tl::unexpected(std::string("no emu-router runs in this node (is `rip` or `ospf` among its "
                                              "services? run it in the node: emu exec LAB NODE -- emu-router show …)"));
        }
        return tl::unexpected(std::string("cannot reach emu-router: ") + std::strerror(errno));
    }
    const auto question = json{{"show", topic}}.dump() + '\n';
    if (::send(fd.get(), question.data(), question.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(question.size())) {
        return tl::unexpected(std::string("cannot ask emu-router: ") + std::strerror(errno));
    }
    std::string reply;
    char chunk[65536];
    while (reply.find('\n') == std::string::npos) {
        ssize_t n = ::recv(fd.get(), chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return tl::unexpected(std::string("emu-router did not answer"));
        if (n <= 0) break;
        reply.append(chunk, static_cast<std::size_t>(n));
        if (reply.size() > kMaxReportBytes) return tl::unexpected(std::string("emu-router's answer is too long"));
    }
    auto answer = json::parse(reply.substr(0, reply.find('\n')), nullptr, false);
    if (!answer.is_object()) return tl::unexpected(std::string("emu-router's answer is not JSON"));
    if (answer.contains("error")) {
        const auto& error = answer["error"];
        return tl::unexpected(error.is_string() ? error.get<std::string>() : error.dump());
    }
    if (!answer.contains("report")) return tl::unexpected(std::string("emu-router's answer has no report"));
    return answer["report"];
}

}  // namespace emu::router
