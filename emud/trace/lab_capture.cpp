#include "emud/trace/lab_capture.hpp"

#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>

#include <spdlog/spdlog.h>

#include "emud/trace/describe.hpp"
#include "emud/trace/layer_fields.hpp"
#include "emud/trace/pcapng.hpp"
#include "lib/net/netns.hpp"
#include "lib/util/system_error.hpp"

namespace emu::trace {
namespace {

// A ring per namespace: the fabric's carries every LAN of the lab, so it gets the most room.
net::RingSize ring_size(bool fabric) {
    net::RingSize size;
    size.block_size = fabric ? 1u << 20 : 1u << 18;
    size.block_count = fabric ? 8 : 4;
    return size;
}

// How often held frames are let go at most, when nothing else wakes the capture thread.
constexpr int kReleaseIntervalMs = static_cast<int>(net::RingSize{}.block_timeout_ms);

// The capture thread's nice value (setpriority(2)): the lab's programs run at 0.
constexpr int kCaptureNice = -10;

// The clock of the kernel's capture timestamps.
std::uint64_t realtime_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000 + static_cast<std::uint64_t>(now.tv_nsec);
}

void write_all(int fd, const std::vector<std::uint8_t>& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) util::throw_errno("write pcapng");
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

LabCapture::LabCapture(const build::LabPlan& plan, const topology::Lab& lab, CaptureOptions options,
                       std::function<void()> on_frames, ApplicationDecoders decoders)
    : plan_(plan_capture(plan, lab)),
      addresses_(lab),
      options_(std::move(options)),
      on_frames_(std::move(on_frames)),
      timeline_(static_cast<std::uint64_t>(std::chrono::nanoseconds(kTimelineWindow).count())),
      store_(options_.ring_bytes),
      flows_(std::move(decoders)) {
    std::map<std::string, std::uint32_t> segments;
    for (const auto& link : plan_.links) {
        segment_of_link_.push_back(segments.emplace(link.segment, static_cast<std::uint32_t>(segments.size())).first->second);
    }
    // Rings first: from here on the kernel keeps every frame for us.
    std::map<std::size_t, std::vector<std::size_t>> points_by_namespace;
    for (std::size_t i = 0; i < plan_.points.size(); ++i) points_by_namespace[plan_.points[i].namespace_index].push_back(i);
    for (const auto& entry : points_by_namespace) {
        // Not a structured binding: clang 14 cannot capture those in the lambda below.
        const auto& points = entry.second;
        const auto& space = plan.namespaces.at(entry.first);
        Ring ring;
        net::run_in_netns(space.path, [&] {
            for (auto point : points) {
                int ifindex = static_cast<int>(::if_nametoindex(plan_.points[point].device.c_str()));
                if (ifindex <= 0) util::throw_errno("no device " + plan_.points[point].device + " in " + space.path.string());
                if (ring.point_of_ifindex.size() <= static_cast<std::size_t>(ifindex)) {
                    ring.point_of_ifindex.resize(static_cast<std::size_t>(ifindex) + 1, -1);
                }
                ring.point_of_ifindex[static_cast<std::size_t>(ifindex)] = static_cast<int>(point);
            }
            // One device: bind to it; several (the fabric): every device, filtered by ifindex.
            int bind_to = points.size() == 1 ? static_cast<int>(ring.point_of_ifindex.size() - 1) : 0;
            bool incoming_only = std::all_of(points.begin(), points.end(),
                                             [&](std::size_t point) { return plan_.points[point].ingress_only; });
            ring.ring = std::make_unique<net::PacketRing>(
                bind_to, ring_size(space.is_fabric()),
                incoming_only ? net::RingTakes::incoming : net::RingTakes::every_frame);
        });
        rings_.push_back(std::move(ring));
    }

    std::filesystem::create_directories(options_.pcapng.parent_path());
    file_ = util::UniqueFd(::open(options_.pcapng.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!file_) util::throw_errno("create " + options_.pcapng.string());
    pcapng::section_header(pending_, "emu");
    for (const auto& link : plan_.links) {
        pcapng::interface_description(pending_, lab.name + "/" + link.name, "segment " + link.segment,
                                      options_.snap_length);
    }
    write_out();

    stop_ = util::UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!stop_) util::throw_errno("eventfd");
    thread_ = std::thread([this] { run(); });
}

LabCapture::~LabCapture() {
    std::uint64_t one = 1;
    if (::write(stop_.get(), &one, sizeof one) < 0) spdlog::warn("capture.stop_failed");
    if (thread_.joinable()) thread_.join();
}

CaptureCounts LabCapture::counts() const {
    std::lock_guard lock(counts_mutex_);
    auto counts = counts_;
    counts.events_evicted = store_.evicted();
    counts.file_limit = options_.max_file_bytes;
    counts.ring_bytes = options_.ring_bytes;
    return counts;
}

void LabCapture::run() {
    // Ahead of the lab's own programs for the CPU: when both want it, a lab that runs a
    // little slower loses nothing, a capture that falls behind loses frames for good.
    if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kCaptureNice) != 0) {
        spdlog::warn("capture.priority_unchanged: {}", std::strerror(errno));
    }
    std::vector<pollfd> fds;
    for (const auto& ring : rings_) fds.push_back({ring.ring->fd(), POLLIN, 0});
    fds.push_back({stop_.get(), POLLIN, 0});
    bool stopping = false;
    bool more_waiting = false;  // a ring had a full block left when the last round ended
    while (true) {
        // Wake for the rings, the stop, or the oldest held frame's turn in the timeline — but
        // for the timeline not more often than a block timeout: frames leave in batches, and a
        // wake-up per millisecond under load would cost more than the capture itself.
        int timeout_ms = -1;
        if (more_waiting) {
            timeout_ms = 0;
        } else if (auto due = timeline_.next_release_ns()) {
            auto now = realtime_ns();
            auto until_due_ms = *due <= now ? 0 : static_cast<int>((*due - now + 999'999) / 1'000'000);
            timeout_ms = std::max(until_due_ms, kReleaseIntervalMs);
        }
        // After the stop, one more round takes what the kernel still holds.
        if (!stopping && ::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) {
            spdlog::error("capture.poll_failed: {}", std::strerror(errno));
            break;
        }
        stopping = stopping || (fds.back().revents & POLLIN) != 0;
        // A block per ring and round, then what is due goes on: under load the kernel hands
        // blocks over as fast as they are taken, and a round that first took them all would
        // then spend so long on them that the rings overflowed meanwhile (the bigger the
        // rings, the longer the round). At the stop, everything.
        more_waiting = false;
        for (std::size_t i = 0; i < rings_.size(); ++i) {
            rings_[i].ring->drain([&](const net::CapturedFrame& frame) { timeline_.hold(i, frame); },
                                  stopping ? SIZE_MAX : 1);
            more_waiting = more_waiting || rings_[i].ring->has_ready_block();
        }
        auto keep = [this](HeldFrame&& held) { handle(std::move(held)); };
        std::size_t frames = stopping ? timeline_.release_all(keep) : timeline_.release(realtime_ns(), keep);
        std::uint64_t dropped = 0;
        for (const auto& ring : rings_) dropped += ring.ring->take_counts().dropped;
        try {
            write_out();
        } catch (const std::exception& error) {
            spdlog::error("capture.write_failed file={}: {}", options_.pcapng.string(), error.what());
        }
        {
            std::lock_guard lock(counts_mutex_);
            counts_.kernel_dropped += dropped;
        }
        if (dropped > 0) spdlog::warn("capture.kernel_dropped frames={} file={}", dropped, options_.pcapng.string());
        if (frames > 0 && on_frames_) on_frames_();
        if (stopping) break;
    }
}

void LabCapture::handle(HeldFrame&& held) {
    const auto& ring = rings_[held.source];
    const auto& frame = held.frame;
    auto index = static_cast<std::size_t>(frame.ifindex);
    if (index >= ring.point_of_ifindex.size() || ring.point_of_ifindex[index] < 0) return;
    const auto& point = plan_.points[static_cast<std::size_t>(ring.point_of_ifindex[index])];
    bool outgoing = frame.packet_type == PACKET_OUTGOING;
    if (point.ingress_only && outgoing) return;

    auto data = frame.data;
    if (frame.vlan_tci) data = net::with_vlan_tag(data, *frame.vlan_tci, retagged_);
    auto original_length = frame.original_length + (frame.vlan_tci ? 4u : 0u);

    StoredFrame stored;
    stored.number = next_number_++;
    stored.timestamp_ns = frame.timestamp_ns;
    stored.link = static_cast<std::uint32_t>(point.link);
    stored.original_length = original_length;
    stored.checksum_not_ready = frame.checksum_not_ready;
    if (frame.vlan_tci) {
        stored.bytes.assign(data.begin(), data.end());
    } else {
        stored.bytes = std::move(held.bytes);  // `data` still points at them
    }
    if (auto decoded = wire::decode_frame(data)) {
        if (decoded->arp) {
            auto owner = plan_.mac_owners.find(decoded->arp->sender_mac);
            if (owner != plan_.mac_owners.end()) addresses_.learn(*decoded->arp, owner->second);
        }
        if (flows_.has_decoders()) {
            stored.application = pack_layers(flows_.on_frame_deferred(*decoded, segment_of_link_[point.link]));
        }
    }
    // On a switch port the frame comes in from the node; on a node's own end, "outgoing" is
    // what that node sent.
    auto direction = point.ingress_only ? FrameDirection::inbound
                                        : (outgoing ? FrameDirection::outbound : FrameDirection::inbound);
    // Counted when written out, with the file's own counts, so that a reader never sees a
    // frame counted and not yet accounted for (this thread is the counts' only writer).
    // The file never passes its limit: a block that would is taken back, and so is every
    // later one (once full, it stays full, so that the file is every frame up to a moment).
    auto block_start = pending_.size();
    bool fits = counts_.frames_not_in_file + pending_not_in_file_ == 0;
    if (fits) {
        pcapng::enhanced_packet(pending_, static_cast<std::uint32_t>(point.link), frame.timestamp_ns, data,
                                original_length, direction);
        fits = counts_.file_bytes + pending_.size() <= options_.max_file_bytes;
        if (!fits) pending_.resize(block_start);
    }
    if (fits) {
        ++pending_frames_;
    } else {
        if (counts_.frames_not_in_file + pending_not_in_file_ == 0) {
            spdlog::warn("capture.file_full file={} limit={}: later frames are in the trace's ring only",
                         options_.pcapng.string(), options_.max_file_bytes);
        }
        ++pending_not_in_file_;
    }
    // Last: `data` may be the stored frame's own bytes, which the store owns from here on.
    store_.push(std::move(stored));
}

TraceEvent LabCapture::event_of(const StoredFrame& frame) const {
    TraceEvent event;
    event.number = frame.number;
    event.timestamp_ns = frame.timestamp_ns;
    const auto& link = plan_.links.at(frame.link);
    event.link = link.name;
    event.segment = link.segment;
    event.length = frame.original_length;
    event.layers = describe_frame(frame.bytes, {frame.checksum_not_ready});
    auto application = unpack_layers(frame.application);
    event.layers.insert(event.layers.end(), std::make_move_iterator(application.begin()),
                        std::make_move_iterator(application.end()));
    if (frame.bytes.size() >= 12) {
        wire::MacAddress destination, source;
        std::copy(frame.bytes.begin(), frame.bytes.begin() + 6, destination.bytes.begin());
        std::copy(frame.bytes.begin() + 6, frame.bytes.begin() + 12, source.bytes.begin());
        auto name = [&](const wire::MacAddress& mac) {
            auto owner = plan_.mac_owners.find(mac);
            return owner != plan_.mac_owners.end() ? owner->second : mac.to_string();
        };
        event.from = name(source);
        event.to = name(destination);
    }
    name_path_ends(event);
    return event;
}

void LabCapture::name_path_ends(TraceEvent& event) const {
    for (auto& layer : event.layers) {
        if (layer.protocol != kIpv4Fields.protocol) continue;
        for (auto [address_key, node_key] : {std::pair{kIpv4Fields["src"], kIpv4Fields["src_node"]},
                                             std::pair{kIpv4Fields["dst"], kIpv4Fields["dst_node"]}}) {
            auto address = layer.fields.find(address_key);
            if (address == layer.fields.end() || !address->is_string()) continue;
            if (auto owner = addresses_.owner_of(address->get_ref<const std::string&>())) {
                layer.fields[node_key] = std::move(*owner);
            }
        }
        return;
    }
}

void LabCapture::write_out() {
    if (!pending_.empty()) write_all(file_.get(), pending_);
    std::lock_guard lock(counts_mutex_);
    counts_.frames += pending_frames_ + pending_not_in_file_;
    counts_.file_bytes += pending_.size();
    counts_.frames_in_file += pending_frames_;
    counts_.frames_not_in_file += pending_not_in_file_;
    pending_.clear();
    pending_frames_ = 0;
    pending_not_in_file_ = 0;
}

}  // namespace emu::trace
