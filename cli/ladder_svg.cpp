#include "cli/ladder_svg.hpp"

#include "cli/timeline.hpp"
#include "lib/util/xml.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace emu::cli {
namespace {

constexpr int kLaneWidth = 220;
constexpr int kMargin = 40;
constexpr int kHeader = 70;
constexpr int kRowHeight = 34;

std::string lane_name(const std::string& end) {
    return end == "ff:ff:ff:ff:ff:ff" ? "broadcast" : end;
}

}  // namespace

std::string ladder_svg(const std::vector<trace::TraceEvent>& events, const std::string& title) {
    std::vector<std::string> lanes;
    std::map<std::string, std::size_t> lane_of;
    auto lane = [&](const std::string& end) {
        auto name = lane_name(end);
        auto [it, added] = lane_of.emplace(name, lanes.size());
        if (added) lanes.push_back(name);
        return it->second;
    };
    for (const auto& event : events) {
        lane(event.from);
        lane(event.to);
    }
    auto x_of = [](std::size_t index) { return kMargin + static_cast<int>(index) * kLaneWidth + kLaneWidth / 2; };
    int width = kMargin * 2 + std::max<int>(1, static_cast<int>(lanes.size())) * kLaneWidth;
    int height = kHeader + static_cast<int>(events.size()) * kRowHeight + kMargin;

    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
        "font-family=\"monospace\" font-size=\"11\">\n"
        "<defs><marker id=\"head\" markerWidth=\"10\" markerHeight=\"7\" refX=\"10\" refY=\"3.5\" orient=\"auto\">"
        "<polygon points=\"0 0, 10 3.5, 0 7\"/></marker></defs>\n"
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        "<text x=\"{}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>\n",
        width, height, width, height, kMargin, util::xml_escape(title));
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\n", x_of(i),
                           kHeader - 22, util::xml_escape(lanes[i]));
        svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n",
                           x_of(i), kHeader - 14, height - kMargin / 2);
    }
    for (std::size_t row = 0; row < events.size(); ++row) {
        const auto& event = events[row];
        int y = kHeader + static_cast<int>(row) * kRowHeight + kRowHeight / 2;
        int from = x_of(lane_of.at(lane_name(event.from)));
        int to = x_of(lane_of.at(lane_name(event.to)));
        if (from == to) to = from + kLaneWidth / 3;  // to itself: a short stub
        svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\" marker-end=\"url(#head)\"/>\n",
                           from, y, to, y);
        auto label = fmt::format("#{} [{}] {}", event.number, event.segment, event_summary(event));
        svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", std::min(from, to) + 4, y - 4, util::xml_escape(label));
    }
    svg += "</svg>\n";
    return svg;
}

}  // namespace emu::cli
