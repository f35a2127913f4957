#include "emud/trace/event.hpp"

namespace emu::trace {

Layer malformed_layer(const std::string& layer, const std::string& why) {
    return {"malformed", layer + " malformed: " + why, {{"layer", layer}, {"error", why}}};
}

const Layer* TraceEvent::find(const std::string& protocol) const {
    for (const auto& layer : layers) {
        if (layer.protocol == protocol) return &layer;
    }
    return nullptr;
}

nlohmann::json to_json(TraceEvent&& event) {
    nlohmann::json layers = nlohmann::json::array();
    for (auto& layer : event.layers) {
        nlohmann::json entry = nlohmann::json::object();
        entry["protocol"] = std::move(layer.protocol);
        entry["summary"] = std::move(layer.summary);
        entry["fields"] = std::move(layer.fields);
        layers.push_back(std::move(entry));
    }
    nlohmann::json json = nlohmann::json::object();
    json["number"] = event.number;
    json["time_ns"] = event.timestamp_ns;
    json["link"] = std::move(event.link);
    json["segment"] = std::move(event.segment);
    json["from"] = std::move(event.from);
    json["to"] = std::move(event.to);
    json["length"] = event.length;
    json["layers"] = std::move(layers);
    return json;
}

nlohmann::json to_json(const TraceEvent& event) {
    return to_json(TraceEvent(event));
}

TraceEvent event_from_json(nlohmann::json&& json) {
    TraceEvent event;
    event.number = json.value("number", std::uint64_t{0});
    event.timestamp_ns = json.value("time_ns", std::uint64_t{0});
    event.link = json.value("link", std::string());
    event.segment = json.value("segment", std::string());
    event.from = json.value("from", std::string());
    event.to = json.value("to", std::string());
    event.length = json.value("length", std::uint32_t{0});
    auto layers = json.find("layers");
    if (layers == json.end() || !layers->is_array()) return event;
    for (auto& layer : *layers) {
        auto fields = layer.find("fields");
        event.layers.push_back({layer.value("protocol", std::string()), layer.value("summary", std::string()),
                                fields != layer.end() && fields->is_object() ? std::move(*fields)
                                                                             : nlohmann::json::object()});
    }
    return event;
}

TraceEvent event_from_json(const nlohmann::json& json) {
    return event_from_json(nlohmann::json(json));
}

}  // namespace emu::trace
