#include "cli/client.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "lib/util/paths.hpp"

namespace emu::cli {
namespace {

util::UniqueFd try_connect(int& error_number) {
    util::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw CliError(std::string("cannot make a socket: ") + std::strerror(errno));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    auto path = util::control_socket_path().string();
    if (path.size() >= sizeof address.sun_path) throw CliError("the control socket path is too long: " + path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
    error_number = errno;
    return {};
}

// Starts emud; it forks into the background itself and its first process exits 0 once the
// socket accepts, or non-zero after printing why it could not start.
void start_daemon() {
    auto program = util::program_dir() / "emud";
    if (::access(program.c_str(), X_OK) != 0) {
        throw CliError("emud is not running and " + program.string() + " is missing; build emu first (ci/build)");
    }
    pid_t pid = ::fork();
    if (pid < 0) throw CliError(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::execl(program.c_str(), program.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw CliError("emud could not start (see above)");
}

}  // namespace

void require_root(const std::string& what) {
    if (::geteuid() != 0) {
        throw CliError(what + " needs root (it works with network namespaces): run it with sudo");
    }
}

Client Client::connect() {
    require_root("emu");
    int error_number = 0;
    auto fd = try_connect(error_number);
    if (!fd && (error_number == ENOENT || error_number == ECONNREFUSED)) {
        start_daemon();
        fd = try_connect(error_number);
    }
    if (!fd) {
        throw CliError("cannot reach emud at " + util::control_socket_path().string() + ": " +
                       std::strerror(error_number));
    }
    return Client(std::move(fd));
}

nlohmann::json Client::call(const std::string& method, const nlohmann::json& params, const EventSink& events) {
    int id = next_id_++;
    std::string line = nlohmann::json{{"id", id}, {"method", method}, {"params", params}}.dump() + "\n";
    for (std::size_t sent = 0; sent < line.size();) {
        ssize_t n = ::send(socket_.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw CliError(std::string("lost emud while sending: ") + std::strerror(errno));
        }
        sent += static_cast<std::size_t>(n);
    }
    while (true) {
        // A reply can be megabytes long: look at each byte for the newline once.
        std::size_t newline;
        while ((newline = buffer_.find('\n', scanned_)) == std::string::npos) {
            scanned_ = buffer_.size();
            char chunk[65536];
            ssize_t n = ::recv(socket_.get(), chunk, sizeof chunk, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw CliError("emud closed the connection without an answer (see " +
                                       (util::runtime_dir() / "emud.log").string() + ")");
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
        auto message = nlohmann::json::parse(std::string_view(buffer_).substr(0, newline), nullptr, false);
        buffer_.erase(0, newline + 1);
        scanned_ = 0;
        if (message.is_discarded() || !message.is_object()) throw CliError("emud sent something that is not JSON");
        if (auto event = message.find("event"); event != message.end()) {
            if (!events) continue;
            auto data = message.find("data");
            nlohmann::json empty = nlohmann::json::object();
            events(event->get<std::string>(), data != message.end() ? *data : empty);
            continue;
        }
        if (auto error = message.find("error"); error != message.end()) {
            throw CliError(error->value("message", "emud refused"), error->value("details", nlohmann::json(nullptr)));
        }
        auto result = message.find("result");
        return result != message.end() ? std::move(*result) : nlohmann::json::object();
    }
}

}  // namespace emu::cli
