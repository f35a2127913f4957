#include "lib/util/paths.hpp"

#include <cstdlib>

namespace emu::util {
namespace {

std::filesystem::path from_environment(const char* variable, const char* fallback) {
    const char* value = std::getenv(variable);
    return (value != nullptr && *value != '\0') ? std::filesystem::path(value) : std::filesystem::path(fallback);
}

}  // namespace

std::filesystem::path runtime_dir() { return from_environment("EMU_RUNTIME_DIR", "/run/emu"); }

std::filesystem::path state_dir() { return from_environment("EMU_STATE_DIR", "/var/lib/emu"); }

std::filesystem::path program_dir() {
    std::error_code error;
    auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::filesystem::current_path() : self.parent_path();
}

std::filesystem::path control_socket_path() { return runtime_dir() / "emud.sock"; }

}  // namespace emu::util
