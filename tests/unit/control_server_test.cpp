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
