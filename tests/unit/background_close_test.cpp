// close_in_background hands a descriptor to a thread that closes it: the caller goes on at
// once, and the descriptor is closed all the same (its peer sees the end).
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>

#include "lib/net/background_close.hpp"

TEST_CASE("a descriptor closed in the background is closed: its peer reads the end", "[net]") {
    int ends[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0);
    emu::util::UniqueFd kept(ends[0]);
    emu::net::close_in_background(emu::util::UniqueFd(ends[1]));
    // Wait for the end with a deadline: poll returns once the other end is closed.
    pollfd watched{kept.get(), POLLIN, 0};
    REQUIRE(::poll(&watched, 1, 10'000) == 1);
    char byte = 0;
    CHECK(::read(kept.get(), &byte, 1) == 0);

    emu::net::close_in_background(emu::util::UniqueFd());  // nothing to close: nothing happens
}
