// The capture's timeline: frames from several rings, each handed over late and a block at a
// time, leave in timestamp order once no ring can still hold an older one.
#include <catch2/catch.hpp>

#include <string>

#include "emud/trace/frame_timeline.hpp"

using emu::trace::FrameTimeline;
using emu::trace::HeldFrame;

namespace {

constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint64_t kWindow = 30 * kMs;

// A frame whose one byte names it, captured at `timestamp`.
void hold(FrameTimeline& timeline, std::size_t ring, std::uint64_t timestamp, std::uint8_t name) {
    std::vector<std::uint8_t> bytes{name, 0xee};
    emu::net::CapturedFrame frame;
    frame.data = bytes;
    frame.timestamp_ns = timestamp;
    frame.original_length = 2;
    timeline.hold(ring, frame);
    bytes.assign(2, 0);  // the ring's block goes back to the kernel: the timeline has its own copy
}

std::string released(FrameTimeline& timeline, std::uint64_t now) {
    std::string order;
    timeline.release(now, [&](HeldFrame&& held) {
        REQUIRE(held.frame.data.size() == 2);
        CHECK(held.frame.data.data() == held.bytes.data());
        CHECK(held.frame.data[1] == 0xee);
        order += static_cast<char>(held.frame.data[0]);
        order += std::to_string(held.source);
    });
    return order;
}

}  // namespace

TEST_CASE("frames of two rings leave in timestamp order once their window has passed", "[trace][timeline]") {
    FrameTimeline timeline(kWindow);
    const std::uint64_t t0 = 1'700'000'000'000'000'000;
    // Ring 0 hands over its block first, with frames at t0+5 and t0+7 ms; ring 1's block,
    // with an older frame (t0+1) and one between (t0+6), comes in a later round.
    hold(timeline, 0, t0 + 5 * kMs, 'b');
    hold(timeline, 0, t0 + 7 * kMs, 'd');
    CHECK(released(timeline, t0 + 20 * kMs).empty());  // nothing is old enough yet
    hold(timeline, 1, t0 + 1 * kMs, 'a');
    hold(timeline, 1, t0 + 6 * kMs, 'c');
    CHECK(timeline.size() == 4);
    CHECK(timeline.next_release_ns() == t0 + 31 * kMs);
    CHECK(released(timeline, t0 + 35 * kMs) == "a1b0");
    CHECK(released(timeline, t0 + 40 * kMs) == "c1d0");
    CHECK_FALSE(timeline.next_release_ns().has_value());
}

TEST_CASE("frames with the same timestamp keep the order they came in, and a late one is not lost",
          "[trace][timeline]") {
    FrameTimeline timeline(kWindow);
    const std::uint64_t t0 = 1'700'000'000'000'000'000;
    hold(timeline, 1, t0, 'x');
    hold(timeline, 0, t0, 'y');
    hold(timeline, 2, t0, 'z');
    CHECK(released(timeline, t0 + kWindow) == "x1y0z2");
    // Older than what already left: it leaves at once, out of order but kept.
    hold(timeline, 0, t0 - kMs, 'w');
    CHECK(released(timeline, t0 + kWindow) == "w0");
}

TEST_CASE("a stopping capture takes every frame held, oldest first", "[trace][timeline]") {
    FrameTimeline timeline(kWindow);
    hold(timeline, 0, 900, 'b');
    hold(timeline, 1, 100, 'a');
    std::string order;
    CHECK(timeline.release_all([&](HeldFrame&& held) { order += static_cast<char>(held.frame.data[0]); }) == 2);
    CHECK(order == "ab");
    CHECK(timeline.size() == 0);
}
