#pragma once

// A deadline for a coroutine's socket operations. When it passes, `expire` runs (it closes
// the sockets, so that what waits on them ends); once the Deadline is gone, a handler the
// timer had already queued does nothing — it cannot touch a coroutine frame that has ended.

#include <chrono>
#include <functional>
#include <memory>

#include "lib/net/asio.hpp"

namespace emu::node {

class Deadline {
public:
    /// Declare it after what `expire` touches, so that it goes first.
    Deadline(const asio::any_io_executor& executor, std::chrono::milliseconds after, std::function<void()> expire)
        : state_(std::make_shared<State>()), timer_(executor, after) {
        state_->expire = std::move(expire);
        timer_.async_wait([state = state_](const boost::system::error_code& error) {
            if (error || !state->alive) return;
            state->expired = true;
            state->expire();
        });
    }
    ~Deadline() {
        state_->alive = false;
        timer_.cancel();
    }
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;

    /// It passed (and `expire` ran).
    bool expired() const { return state_->expired; }

private:
    struct State {
        bool alive = true;
        bool expired = false;
        std::function<void()> expire;
    };
    std::shared_ptr<State> state_;
    asio::steady_timer timer_;
};

}  // namespace emu::node
