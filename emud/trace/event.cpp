#include "emud/trace/event.hpp"

namespace emu::trace {

const Layer* TraceEvent::find(const std::string& protocol) const {
    for (const auto& layer : layers) {
        if (layer.protocol == protocol) return &layer;
    }
    return nullptr;
}

nlohmann::json to_json(const TraceEvent& event) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& layer : event.layers) {
        layers.push_back({{"protocol", layer.protocol}, {"summary", layer.summary}, {"fields", layer.fields}});
    }
    return {{"number", event.number}, {"time_ns", event.timestamp_ns}, {"link", event.link},
            {"segment", event.segment}, {"from", event.from}, {"to", event.to},
            {"length", event.length}, {"layers", std::move(layers)}};
}

TraceEvent event_from_json(const nlohmann::json& json) {
    TraceEvent event;
    event.number = json.value("number", std::uint64_t{0});
    event.timestamp_ns = json.value("time_ns", std::uint64_t{0});
    event.link = json.value("link", std::string());
    event.segment = json.value("segment", std::string());
    event.from = json.value("from", std::string());
    event.to = json.value("to", std::string());
    event.length = json.value("length", std::uint32_t{0});
    for (const auto& layer : json.value("layers", nlohmann::json::array())) {
        event.layers.push_back({layer.value("protocol", std::string()), layer.value("summary", std::string()),
                                layer.value("fields", nlohmann::json::object())});
    }
    return event;
}

}  // namespace emu::trace
