#include "lib/util/sysctl_name.hpp"

#include <algorithm>

namespace emu::util {

std::string sysctl_relative_path(std::string_view key) {
    std::string relative(key);
    // The slash form lets an interface name with a dot in it (eth0.100) be written.
    if (relative.find('/') == std::string::npos) std::replace(relative.begin(), relative.end(), '.', '/');
    return relative;
}

}  // namespace emu::util
