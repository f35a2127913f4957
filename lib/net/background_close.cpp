#include "lib/net/background_close.hpp"

#include <system_error>
#include <thread>

namespace emu::net {

void close_in_background(util::UniqueFd fd) {
    if (!fd) return;
    const int raw = fd.release();
    try {
        std::thread([raw] { ::close(raw); }).detach();
    } catch (const std::system_error&) {
        ::close(raw);  // no thread to spare: the wait is the caller's after all
    }
}

}  // namespace emu::net
