#pragma once

// The one way our code includes Boost.Asio. Boost 1.74's awaitable.hpp uses std::exchange
// without including <utility>, which GCC 12 does not pull in by itself.
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace emu {
namespace asio = boost::asio;
}  // namespace emu
