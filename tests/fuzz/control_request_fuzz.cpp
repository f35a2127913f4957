// libFuzzer: any bytes as a line on emud's control socket, decoded and, when it decodes,
// served by emud's own LabManager (its directories in a temporary one). Every answer is a
// result or an ApiError; nothing else may escape, and nothing may crash. `up` is served only
// when its topology is refused, since a valid one would build a lab in the kernel.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "emud/api/protocol.hpp"
#include "emud/lab_manager.hpp"
#include "emud/topology/loader.hpp"

namespace {

using namespace emu;

class NullContext : public api::RequestContext {
public:
    void event(const std::string&, nlohmann::json) override {}
    asio::awaitable<void> sent() override { co_return; }
    bool client_gone() const override { return false; }
    void on_client_gone(std::function<void()>) override {}
};

struct Daemon {
    Daemon()
        : root(std::filesystem::temp_directory_path() / ("emu-control-fuzz-" + std::to_string(::getpid()))),
          supervisor(io),
          labs(io, supervisor,
               daemon::DaemonPaths{root / "run", root / "state", {root / "netns", root / "etc-netns"}},
               std::nullopt) {
        std::filesystem::create_directories(root / "state" / "labs");
    }
    std::filesystem::path root;
    asio::io_context io;
    supervise::Supervisor supervisor;
    daemon::LabManager labs;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Daemon daemon;
    std::string_view line(reinterpret_cast<const char*>(data), size);
    auto request = api::decode_request(line);
    if (!request) {
        if (request.error().code() != "bad-request" || std::string_view(request.error().what()).empty()) std::abort();
        return 0;
    }
    if (!request->params.is_object()) std::abort();
    if (request->method == "up") {
        auto text = request->params.find("text");
        if (text == request->params.end() || !text->is_string()) return 0;
        if (topology::load_topology(text->get<std::string>(), {"fuzz.yaml", std::nullopt})) return 0;
    }
    NullContext context;
    bool answered = false;
    asio::co_spawn(
        daemon.io,
        [&]() -> asio::awaitable<void> {
            try {
                (void)co_await daemon.labs.handle(request->method, request->params, context);
            } catch (const api::ApiError& error) {
                if (error.code().empty()) std::abort();
            }
            answered = true;
        },
        [](std::exception_ptr failure) {
            if (failure) std::abort();  // anything but an ApiError is a bug
        });
    // The supervisor always waits for SIGCHLD, so the io_context never runs out of work:
    // run until the request is answered (one that never is times the fuzzer out).
    while (!answered) daemon.io.run_one();
    return 0;
}
