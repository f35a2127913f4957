// The control socket's streams: a client that stops reading holds the stream back instead
// of growing emud's memory. Runs emud's server in this thread (io_context::poll), so
// "the handler is waiting" is a fact, not a guess after a sleep. Root: the server serves root only.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "emud/api/server.hpp"
#include "lib/util/unique_fd.hpp"

using namespace emu;
using nlohmann::json;

namespace {

constexpr int kEvents = 20000;
const std::string kPadding(1000, 'x');  // 20 MB in all: far more than a socket buffer holds

// Streams kEvents numbered events, waiting after each until it is written.
class StreamingHandler : public api::Handler {
public:
    asio::awaitable<json> handle(const std::string&, const json&, api::RequestContext& context) override {
        for (int i = 0; i < kEvents && !context.client_gone(); ++i) {
            context.event("tick", {{"i", i}, {"padding", kPadding}});
            ++emitted;
            co_await context.sent();
        }
        co_return json{{"done", true}};
    }
    int emitted = 0;
};

util::UniqueFd connect_to(const std::filesystem::path& path) {
    util::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    return fd;
}

// Runs every handler that is ready, until none is.
void run_ready(asio::io_context& io) {
    while (io.poll() > 0) {
    }
    io.restart();
}

}  // namespace

TEST_CASE("a stream waits for a client that stops reading, and loses nothing when it reads again", "[root][api]") {
    auto path = std::filesystem::temp_directory_path() / ("emu-api-test-" + std::to_string(::getpid()) + ".sock");
    asio::io_context io;
    StreamingHandler handler;
    api::ControlServer server(io, path, handler);
    server.start();
    auto client = connect_to(path);
    std::string request = R"({"id":1,"method":"stream","params":{}})" "\n";
    REQUIRE(::send(client.get(), request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));

    // The client reads nothing: once the socket's buffers are full the handler waits.
    run_ready(io);
    CHECK(handler.emitted > 0);
    CHECK(handler.emitted < kEvents / 10);

    // Now it reads: every event arrives, in order, then the reply.
    std::string received;
    int next = 0;
    bool replied = false;
    while (!replied) {
        char chunk[65536];
        auto n = ::recv(client.get(), chunk, sizeof chunk, MSG_DONTWAIT);
        if (n > 0) received.append(chunk, static_cast<std::size_t>(n));
        for (std::size_t newline; (newline = received.find('\n')) != std::string::npos;) {
            auto message = json::parse(received.substr(0, newline));
            received.erase(0, newline + 1);
            if (message.contains("result")) {
                replied = true;
                break;
            }
            REQUIRE(message["data"]["i"] == next);
            ++next;
        }
        run_ready(io);
    }
    CHECK(next == kEvents);
    server.stop();
    std::filesystem::remove(path);
}

namespace {

// Answers every method at once with its name; "wait" waits until the client hangs up.
class EchoHandler : public api::Handler {
public:
    asio::awaitable<json> handle(const std::string& method, const json& params, api::RequestContext& context) override {
        if (method == "wait") {
            auto executor = co_await asio::this_coro::executor;
            asio::steady_timer gone(executor, asio::steady_timer::time_point::max());
            context.on_client_gone([&gone] { gone.cancel(); });
            boost::system::error_code ignored;
            if (!context.client_gone()) co_await gone.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        }
        co_return json{{"method", method}, {"params", params}};
    }
};

// A server of EchoHandler on a socket of this test's own, run in this thread.
struct EchoServer {
    explicit EchoServer(api::ServerLimits limits = {})
        : path(std::filesystem::temp_directory_path() /
               ("emu-api-limits-" + std::to_string(::getpid()) + "-" + std::to_string(++count) + ".sock")),
          server(io, path, handler, limits) {
        server.start();
    }
    ~EchoServer() {
        server.stop();
        std::filesystem::remove(path);
    }
    // Sends all of `text` (running the server while the socket is full).
    void send(const util::UniqueFd& client, const std::string& text) {
        std::size_t sent = 0;
        while (sent < text.size()) {
            auto n = ::send(client.get(), text.data() + sent, text.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0) sent += static_cast<std::size_t>(n);
            if (n < 0 && errno != EAGAIN) FAIL("send: " << std::strerror(errno));
            io.run_for(std::chrono::milliseconds(1));
        }
    }
    // Reads lines until `lines` have come or the connection ends (the server running meanwhile);
    // gives up at the deadline.
    std::vector<json> read(const util::UniqueFd& client, std::size_t lines, bool* closed = nullptr,
                           std::chrono::seconds deadline = std::chrono::seconds(20)) {
        std::vector<json> result;
        std::string received;
        auto until = std::chrono::steady_clock::now() + deadline;
        while (result.size() < lines && std::chrono::steady_clock::now() < until) {
            io.run_for(std::chrono::milliseconds(1));
            char chunk[65536];
            auto n = ::recv(client.get(), chunk, sizeof chunk, MSG_DONTWAIT);
            if (n == 0) {
                if (closed != nullptr) *closed = true;
                break;
            }
            if (n > 0) received.append(chunk, static_cast<std::size_t>(n));
            for (std::size_t newline; (newline = received.find('\n')) != std::string::npos;) {
                result.push_back(json::parse(received.substr(0, newline)));
                received.erase(0, newline + 1);
            }
        }
        return result;
    }

    static inline int count = 0;
    std::filesystem::path path;
    asio::io_context io;
    EchoHandler handler;
    api::ControlServer server;
};

}  // namespace

TEST_CASE("a request nested far too deep is refused before it is parsed, and the client is served on",
          "[root][api]") {
    EchoServer echo;
    auto client = connect_to(echo.path);
    // 100 000 levels: the parser, recursing once a level, would overflow the stack.
    std::string deep = R"({"id":1,"method":"ping","params":{"x":)" + std::string(100000, '[') +
                       std::string(100000, ']') + "}}\n";
    echo.send(client, deep + R"({"id":2,"method":"ping"})" "\n");
    auto replies = echo.read(client, 2);
    REQUIRE(replies.size() == 2);
    CHECK(replies[0]["error"]["code"] == "bad-request");
    CHECK(replies[0]["error"]["message"].get<std::string>().find("at most 64 deep") != std::string::npos);
    CHECK(replies[1]["id"] == 2);
    CHECK(replies[1]["result"]["method"] == "ping");
}

TEST_CASE("requests sent far ahead of their answers are all answered, in order", "[root][api]") {
    EchoServer echo({.queued_requests = 4});
    auto client = connect_to(echo.path);
    std::string burst;
    for (int i = 0; i < 2000; ++i) burst += json{{"id", i}, {"method", "ping"}}.dump() + "\n";
    echo.send(client, burst);
    auto replies = echo.read(client, 2000);
    REQUIRE(replies.size() == 2000);
    for (int i = 0; i < 2000; ++i) REQUIRE(replies[static_cast<std::size_t>(i)]["id"] == i);
}

TEST_CASE("a client beyond the limit is told that emud is busy, and served once another goes", "[root][api]") {
    EchoServer echo({.clients = 2});
    auto first = connect_to(echo.path);
    auto second = connect_to(echo.path);
    echo.io.run_for(std::chrono::milliseconds(20));
    {
        auto third = connect_to(echo.path);
        bool closed = false;
        auto refusal = echo.read(third, 2, &closed);
        REQUIRE(refusal.size() == 1);
        CHECK(refusal[0]["error"]["code"] == "busy");
        CHECK(closed);
    }
    first.reset();
    // Once the first has gone, its place is free again.
    bool served = false;
    for (int attempt = 0; attempt < 100 && !served; ++attempt) {
        auto next = connect_to(echo.path);
        echo.send(next, R"({"id":7,"method":"ping"})" "\n");
        auto reply = echo.read(next, 1);
        served = reply.size() == 1 && reply[0].contains("result");
    }
    CHECK(served);
}

TEST_CASE("a client that sends nothing is closed after the idle time, and one whose request runs is not",
          "[root][api]") {
    EchoServer echo({.idle_timeout = std::chrono::milliseconds(200)});
    auto idle = connect_to(echo.path);
    auto waiting = connect_to(echo.path);
    echo.send(waiting, R"({"id":1,"method":"wait"})" "\n");
    bool closed = false;
    CHECK(echo.read(idle, 1, &closed, std::chrono::seconds(10)).empty());
    CHECK(closed);
    // The client whose request runs is still there: its request ends when it hangs up.
    char byte;
    CHECK(::recv(waiting.get(), &byte, 1, MSG_DONTWAIT) < 0);
    CHECK(errno == EAGAIN);
}
