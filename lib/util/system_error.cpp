#include "lib/util/system_error.hpp"

#include <cerrno>
#include <cstring>

namespace emu::util {

std::string errno_message(const std::string& what, int error_number) {
    return what + ": " + std::strerror(error_number);
}

void throw_errno(const std::string& what) {
    throw SystemError(what, errno);
}

}  // namespace emu::util
