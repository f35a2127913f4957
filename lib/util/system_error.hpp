#pragma once

#include <stdexcept>
#include <string>

namespace emu::util {

/// "what: strerror(errno)" for messages about a failed system call.
std::string errno_message(const std::string& what, int error_number);

/// Thrown when a system call fails; keeps errno so callers can tell ENOENT from the rest.
class SystemError : public std::runtime_error {
public:
    SystemError(const std::string& what, int error_number)
        : std::runtime_error(errno_message(what, error_number)), error_number_(error_number) {}
    int error_number() const { return error_number_; }

private:
    int error_number_;
};

/// Throws SystemError with the current errno.
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace emu::util
