#include <fcntl.h>
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "cli/client.hpp"
#include "cli/capture_file.hpp"
#include "cli/commands.hpp"
#include "cli/ladder_svg.hpp"
#include "cli/timeline.hpp"
#include "lib/util/files.hpp"
#include "lib/util/system_error.hpp"
#include "lib/util/byte_size.hpp"
#include "lib/util/unique_fd.hpp"

namespace emu::cli {

using nlohmann::json;

std::vector<std::string> capture_losses(const json& counts) {
    std::vector<std::string> losses;
    if (!counts.is_object()) return losses;
    auto kernel = counts.value("kernel_dropped", std::uint64_t{0});
    auto not_in_file = counts.value("frames_not_in_file", std::uint64_t{0});
    auto evicted = counts.value("events_evicted", std::uint64_t{0});
    if (kernel > 0) {
        losses.push_back(fmt::format("the kernel dropped {} frames that emu could not read in time: they are in "
                                     "neither the trace nor the pcapng",
                                     kernel));
    }
    // The sizes are there from emud of this version on; an older one's counts lack them.
    auto size_of = [&](const char* key, const char* setting) {
        auto bytes = counts.value(key, std::uint64_t{0});
        return bytes == 0 ? std::string() : fmt::format(" ({}, `capture: {{{}: …}}` in the topology)",
                                                        util::format_byte_size(bytes), setting);
    };
    if (not_in_file > 0) {
        losses.push_back(fmt::format("{} frames are not in the pcapng: it reached its size limit{}", not_in_file,
                                     size_of("file_limit", "file_limit")));
    }
    if (evicted > 0) {
        losses.push_back(fmt::format("the trace's memory ring{} let its oldest {} frames go{}",
                                     size_of("ring_bytes", "ring"), evicted,
                                     not_in_file == 0 ? "; the pcapng has them" : ""));
    }
    return losses;
}

int trace_command(const std::string& lab, const trace::TraceFilter& filter, bool follow, bool as_json,
                  const std::string& svg_file) {
    auto client = Client::connect();
    std::vector<trace::TraceEvent> drawn;
    std::optional<std::uint64_t> start_ns;
    // emud filters; the events arrive in order, each page after the previous one's "next".
    // Each loss is said once, when it is first seen, and again only when it grows.
    json said = json::object();
    auto say_losses = [&](const json& counts) {
        if (!counts.is_object()) return;
        bool grew = false;
        for (const char* key : {"kernel_dropped", "frames_not_in_file"}) {
            grew = grew || counts.value(key, std::uint64_t{0}) > said.value(key, std::uint64_t{0});
        }
        if (!grew) return;
        for (const auto& loss : capture_losses(counts)) std::cerr << "emu: " << loss << "\n";
        said = counts;
    };
    auto print = [&](json& slice) {
        if (auto missed = slice.value("missed", std::uint64_t{0}); missed > 0) {
            std::cerr << fmt::format("emu: {} frames left the trace's memory ring before they could be shown{}\n",
                                     missed,
                                     slice.value("counts", json::object()).value("frames_not_in_file", 0) == 0
                                         ? "; the pcapng has them"
                                         : "");
        }
        if (auto counts = slice.find("counts"); counts != slice.end()) say_losses(*counts);
        auto events = slice.find("events");
        if (events == slice.end() || !events->is_array()) return;
        for (auto& item : *events) {
            if (as_json) {
                std::cout << item.dump() << '\n';
                continue;
            }
            auto event = trace::event_from_json(std::move(item));
            if (!start_ns) start_ns = event.timestamp_ns;
            if (!svg_file.empty()) {
                drawn.push_back(std::move(event));
            } else {
                std::cout << timeline_line(event, *start_ns) << '\n';
            }
        }
        std::cout << std::flush;
    };
    auto params = json{{"lab", lab}, {"filter", trace::to_json(filter)}, {"fields", as_json}};
    if (follow && !svg_file.empty()) throw CliError("--svg draws the trace so far; it does not follow (-f)");
    if (follow) {
        params["follow"] = true;
        client.call("trace", params, [&](const std::string& name, json& data) {
            if (name == "trace") print(data);
        });
        return 0;
    }
    // Without -f: everything the store holds now, page by page.
    std::uint64_t after = 0;
    while (true) {
        params["after"] = after;
        auto slice = client.call("trace", params);
        print(slice);
        auto next = slice.value("next", after);
        if (next <= after || next >= slice.value("last", next)) break;
        after = next;
    }
    if (!svg_file.empty()) {
        util::write_file_atomic(svg_file, ladder_svg(drawn, "lab " + lab));
        std::cerr << fmt::format("{} frames drawn in {}\n", drawn.size(), svg_file);
    }
    return 0;
}

json save_capture(Client& client, const std::string& lab, const std::string& output) {
    auto reply = client.call("capture", {{"lab", lab}});
    auto path = reply.value("path", std::string());
    auto bytes = reply.value("bytes", std::uint64_t{0});
    // The file grows while the lab runs: copy the part that was complete when we asked.
    util::UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) throw CliError(util::errno_message("open " + path, errno));
    util::UniqueFd out(output == "-" ? ::dup(STDOUT_FILENO)
                                     : ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!out) throw CliError(util::errno_message("open " + output, errno));
    std::vector<char> buffer(1 << 16);
    std::uint64_t copied = 0;
    while (copied < bytes) {
        auto n = ::read(in.get(), buffer.data(), std::min<std::uint64_t>(buffer.size(), bytes - copied));
        if (n <= 0) throw CliError(fmt::format("{} ended after {} of {} bytes", path, copied, bytes));
        for (ssize_t done = 0; done < n;) {
            auto written = ::write(out.get(), buffer.data() + done, static_cast<std::size_t>(n - done));
            if (written <= 0) throw CliError(util::errno_message("write " + output, errno));
            done += written;
        }
        copied += static_cast<std::uint64_t>(n);
    }
    return reply;
}

int capture_command(const std::string& lab, const std::string& output) {
    auto client = Client::connect();
    auto reply = save_capture(client, lab, output);
    if (output != "-") {
        const auto& counts = reply["counts"];
        std::cerr << fmt::format("{} frames written to {}", reply.value("frames", 0), output);
        std::cerr << "\n";
        // The pcapng holds the frames, so only what it lacks matters here.
        json file_losses{{"kernel_dropped", counts.value("kernel_dropped", 0)},
                         {"frames_not_in_file", counts.value("frames_not_in_file", 0)}};
        for (const auto& loss : capture_losses(file_losses)) std::cerr << "emu: " << loss << "\n";
    }
    return 0;
}

}  // namespace emu::cli
