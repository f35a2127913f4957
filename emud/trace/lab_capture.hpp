#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "emud/build/plan.hpp"
#include "emud/trace/address_book.hpp"
#include "emud/trace/capture_plan.hpp"
#include "emud/trace/flow_tracker.hpp"
#include "emud/trace/frame_timeline.hpp"
#include "emud/trace/event.hpp"
#include "emud/trace/trace_store.hpp"
#include "emud/topology/model.hpp"
#include "lib/net/packet_ring.hpp"
#include "lib/util/unique_fd.hpp"

namespace emu::trace {

struct CaptureOptions {
    std::filesystem::path pcapng;             ///< where the lab's frames go
    /// frames kept in memory for the trace, oldest dropped first
    std::size_t ring_bytes = topology::CaptureSettings{}.ring_bytes;
    /// the pcapng stops growing here; later frames are counted
    std::uint64_t max_file_bytes = topology::CaptureSettings{}.file_limit_bytes;
    std::uint32_t snap_length = 65535;
};

/// How much a capture has seen and what it could not keep.
struct CaptureCounts {
    std::uint64_t frames = 0;           ///< captured and decoded
    std::uint64_t kernel_dropped = 0;   ///< lost in the kernel because the ring was full
    std::uint64_t events_evicted = 0;   ///< frames dropped from the memory ring, oldest first
    std::uint64_t frames_in_file = 0;   ///< frames in the pcapng
    std::uint64_t file_bytes = 0;       ///< the pcapng is complete up to here
    std::uint64_t frames_not_in_file = 0;  ///< past max_file_bytes
    std::uint64_t file_limit = 0;          ///< max_file_bytes, for whoever reports the loss
    std::uint64_t ring_bytes = 0;          ///< the memory ring's size, the same
};

/// Captures every frame of one lab from the moment it is made until it is destroyed: one
/// TPACKET_V3 ring per namespace that has capture points, read on a thread of its own that
/// puts the rings' frames into one timeline (FrameTimeline), keeps each in the TraceStore
/// and appends it to the lab's pcapng, numbered in time order. Frames are decoded when they
/// are read (event_of).
class LabCapture {
public:
    /// How long a frame waits in the timeline. A ring hands a block over at the latest its
    /// block timeout (10 ms) after the block's first frame, rounded up to the kernel's timer
    /// tick; three timeouts leave room for the capture thread to wake.
    static constexpr std::chrono::milliseconds kTimelineWindow{3 * net::RingSize{}.block_timeout_ms};
    /// From any moment, how long until every frame captured before it is in the store: the
    /// window, plus up to one release interval (a block timeout) before a waiting frame goes.
    static constexpr std::chrono::milliseconds kSettleTime =
        kTimelineWindow + std::chrono::milliseconds(net::RingSize{}.block_timeout_ms + 5);

    /// Opens the rings (entering each namespace on the calling thread, then coming back) and
    /// starts the thread. `on_frames` runs on that thread after each batch of new events.
    LabCapture(const build::LabPlan& plan, const topology::Lab& lab, CaptureOptions options,
               std::function<void()> on_frames, ApplicationDecoders decoders = make_application_decoders());
    ~LabCapture();
    LabCapture(const LabCapture&) = delete;
    LabCapture& operator=(const LabCapture&) = delete;

    const TraceStore& store() const { return store_; }
    /// A stored frame decoded: its layers, its link, and who sent it to whom, on the link
    /// (from, to) and end to end (the IPv4 layer's src_node, dst_node).
    TraceEvent event_of(const StoredFrame& frame) const;
    CaptureCounts counts() const;
    const std::filesystem::path& pcapng() const { return options_.pcapng; }

private:
    struct Ring {
        std::unique_ptr<net::PacketRing> ring;
        std::vector<int> point_of_ifindex;  ///< ifindex -> capture point, -1: not captured
    };

    void run();
    void handle(HeldFrame&& held);
    void write_out();

    void name_path_ends(TraceEvent& event) const;

    CapturePlan plan_;
    AddressBook addresses_;
    CaptureOptions options_;
    std::function<void()> on_frames_;
    std::vector<Ring> rings_;
    FrameTimeline timeline_;
    TraceStore store_;
    FlowTracker flows_;
    std::vector<std::uint32_t> segment_of_link_;  ///< a number per segment, by link, for the flow tracker
    util::UniqueFd file_;
    util::UniqueFd stop_;  ///< an eventfd
    std::vector<std::uint8_t> pending_;  ///< pcapng blocks not yet written
    std::uint64_t pending_frames_ = 0;
    std::uint64_t pending_not_in_file_ = 0;  ///< frames kept in the trace but past max_file_bytes
    std::vector<std::uint8_t> retagged_;
    std::uint64_t next_number_ = 1;

    mutable std::mutex counts_mutex_;
    CaptureCounts counts_;
    std::thread thread_;
};

}  // namespace emu::trace
