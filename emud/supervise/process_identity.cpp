#include "emud/supervise/process_identity.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <string>
#include <string_view>

#include "lib/util/files.hpp"
#include "lib/util/system_error.hpp"

namespace emu::supervise {

std::optional<std::uint64_t> process_start_ticks(pid_t pid) {
    auto text = util::read_file("/proc/" + std::to_string(pid) + "/stat");
    if (!text) return std::nullopt;
    // "PID (COMM) STATE PPID …": COMM may hold spaces and parentheses, so the fields are
    // counted from the last ')'. STATE is field 3, the start time field 22.
    auto close = text->rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::string_view rest(*text);
    rest.remove_prefix(close + 1);
    int field = 2;
    std::string_view state, start;
    while (!rest.empty() && field < 22) {
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        auto end = rest.find(' ');
        auto value = rest.substr(0, end);
        ++field;
        if (field == 3) state = value;
        if (field == 22) start = value;
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    if (state.empty() || state == "Z" || state == "X" || start.empty()) return std::nullopt;
    std::uint64_t ticks = 0;
    auto [end, error] = std::from_chars(start.data(), start.data() + start.size(), ticks);
    if (error != std::errc() || end != start.data() + start.size()) return std::nullopt;
    return ticks;
}

util::UniqueFd open_pidfd(pid_t pid) {
    util::UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!fd) util::throw_errno("pidfd_open " + std::to_string(pid));
    return fd;
}

}  // namespace emu::supervise
