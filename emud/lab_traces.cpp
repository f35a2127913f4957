#include "emud/lab_traces.hpp"

#include <malloc.h>

#include <fmt/format.h>

#include "emud/trace/trace_filter.hpp"

namespace emu::daemon {
namespace {

using api::ApiError;
using nlohmann::json;

// One reply or event line carries at most this many events; a follower gets the rest next.
constexpr std::size_t kEventsPerMessage = 2000;

json counts_json(const trace::CaptureCounts& counts) {
    return {{"frames", counts.frames},
            {"kernel_dropped", counts.kernel_dropped},
            {"events_evicted", counts.events_evicted},
            {"frames_in_file", counts.frames_in_file},
            {"frames_not_in_file", counts.frames_not_in_file},
            {"file_bytes", counts.file_bytes},
            {"file_limit", counts.file_limit},
            {"ring_bytes", counts.ring_bytes}};
}

// What a reader asked for: which events, and whether with every field of every layer or
// only the summaries (all a timeline shows, and a fraction of the bytes).
struct TraceRequest {
    trace::TraceFilter filter;
    bool with_fields = true;
};

TraceRequest request_of(const json& params) {
    TraceRequest request;
    try {
        request.filter = trace::filter_from_json(params.value("filter", json::object()));
    } catch (const std::exception& error) {
        throw ApiError("bad-request", std::string("trace filter: ") + error.what());
    }
    request.with_fields = params.value("fields", true);
    return request;
}

// Decodes a slice and keeps the events the filter passes. "next" is where the reader's
// following request starts, whether or not anything here passed.
json slice_json(const trace::LabCapture& capture, const trace::TraceStore::Slice& slice,
                const TraceRequest& request) {
    json events = json::array();
    for (const auto& frame : slice.frames) {
        auto event = capture.event_of(frame);
        if (!request.filter.matches(event)) continue;
        if (!request.with_fields) {
            for (auto& layer : event.layers) layer.fields = json::object();
        }
        events.push_back(trace::to_json(std::move(event)));
    }
    auto next = slice.frames.empty() ? slice.last : slice.frames.back().number;
    return {{"events", std::move(events)}, {"next", next}, {"last", slice.last}, {"missed", slice.missed}};
}

}  // namespace

LabTraces::~LabTraces() {
    std::lock_guard lock(captures_mutex_);
    captures_.clear();
}

void LabTraces::start(const std::string& lab, const build::LabPlan& plan, const topology::Lab& model,
                      const std::filesystem::path& pcapng) {
    trace::CaptureOptions options;
    options.pcapng = pcapng;
    options.ring_bytes = static_cast<std::size_t>(model.capture.ring_bytes);
    options.max_file_bytes = model.capture.file_limit_bytes;
    // The capture thread only posts; followers are woken on the io thread.
    auto capture = std::make_unique<trace::LabCapture>(plan, model, options, [this, lab] {
        asio::post(io_, [this, lab] { wake_followers(lab); });
    });
    std::lock_guard lock(captures_mutex_);
    captures_[lab] = std::move(capture);
}

void LabTraces::stop(const std::string& lab) {
    std::unique_ptr<trace::LabCapture> capture;
    {
        std::lock_guard lock(captures_mutex_);
        auto it = captures_.find(lab);
        if (it == captures_.end()) return;
        capture = std::move(it->second);
        captures_.erase(it);
    }
    capture.reset();  // joins the capture thread
    // The ring's frames were allocated on the capture thread, in a malloc arena of its own
    // that glibc keeps for reuse; give what is free back to the system, so that emud after
    // `down` is as small as before `up`.
    ::malloc_trim(0);
    wake_followers(lab);  // they see the lab gone and end
}

void LabTraces::wake_followers(const std::string& lab) {
    auto it = followers_.find(lab);
    if (it == followers_.end()) return;
    for (auto* timer : it->second) timer->cancel();
}

const trace::LabCapture& LabTraces::find(const std::string& lab) const {
    std::lock_guard lock(captures_mutex_);
    auto it = captures_.find(lab);
    if (it == captures_.end()) throw ApiError("no-capture", fmt::format("lab {} has no capture running", lab));
    return *it->second;
}

json LabTraces::counts(const std::string& lab) const {
    try {
        return counts_json(find(lab).counts());
    } catch (const ApiError&) {
        return nullptr;
    }
}

json LabTraces::capture(const std::string& lab) const {
    const auto& capture = find(lab);
    auto counts = capture.counts();
    return {{"path", capture.pcapng().string()}, {"bytes", counts.file_bytes},
            {"frames", counts.frames_in_file}, {"counts", counts_json(counts)}};
}

asio::awaitable<json> LabTraces::trace(const std::string& lab, const json& params, api::RequestContext& context) {
    auto after = params.value("after", std::uint64_t{0});
    auto limit = std::min(params.value("limit", kEventsPerMessage), kEventsPerMessage);
    auto request = request_of(params);
    if (!params.value("follow", false)) {
        find(lab);
        if (after == 0) {
            // Whoever asks after doing something expects to see it: frames are final once the
            // capture's timeline window has passed (docs/trace.md). Later pages come after this.
            asio::steady_timer settle(io_, trace::LabCapture::kSettleTime);
            co_await settle.async_wait(asio::use_awaitable);
        }
        const auto& capture = find(lab);
        auto result = slice_json(capture, capture.store().read_after(after, limit), request);
        result["counts"] = counts(lab);
        co_return result;
    }
    // Follow: send what there is, then each new batch, until the client hangs up or the
    // lab goes. The capture thread wakes us through wake_followers(); everything between
    // reading the store and waiting runs on the io thread, so no wake-up is lost.
    find(lab);  // a lab without a capture is an error, not an empty stream
    asio::steady_timer timer(io_);
    followers_[lab].insert(&timer);
    context.on_client_gone([&timer] { timer.cancel(); });
    while (!context.client_gone()) {
        std::size_t examined = 0;
        {
            std::lock_guard lock(captures_mutex_);
            auto it = captures_.find(lab);
            if (it == captures_.end()) break;
            auto slice = it->second->store().read_after(after, limit);
            examined = slice.frames.size();
            auto message = slice_json(*it->second, slice, request);
            message["counts"] = counts_json(it->second->counts());
            after = message["next"].get<std::uint64_t>();
            if (!message["events"].empty() || slice.missed > 0) context.event("trace", std::move(message));
        }
        // A slow reader holds the stream here; what the ring drops meanwhile is counted as missed.
        co_await context.sent();
        if (examined == limit) continue;  // more is waiting
        timer.expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code ignored;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    followers_[lab].erase(&timer);
    if (followers_[lab].empty()) followers_.erase(lab);
    co_return json{{"events", json::array()}, {"ended", true}};
}

}  // namespace emu::daemon
