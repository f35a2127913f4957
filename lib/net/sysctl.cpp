#include "lib/net/sysctl.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "lib/util/sysctl_name.hpp"
#include "lib/util/system_error.hpp"
#include "lib/util/unique_fd.hpp"

namespace emu::net {

std::string sysctl_path(std::string_view key) {
    return "/proc/sys/" + util::sysctl_relative_path(key);
}

void write_sysctl(std::string_view key, std::string_view value) {
    auto path = sysctl_path(key);
    util::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) util::throw_errno("sysctl " + std::string(key));
    std::string line(value);
    line += '\n';
    if (::write(fd.get(), line.data(), line.size()) < 0) {
        util::throw_errno("sysctl " + std::string(key) + " = " + std::string(value));
    }
}

}  // namespace emu::net
