#include "emud/trace/event.hpp"

#include "emud/trace/layer_fields.hpp"

namespace emu::trace {

Layer malformed_layer(const std::string& layer, const std::string& why) {
    return kMalformedFields.layer(layer + " malformed: " + why,
                                  {{kMalformedFields["layer"], layer}, {kMalformedFields["error"], why}});
}

std::vector<std::uint8_t> pack_layers(std::vector<Layer> layers) {
    if (layers.empty()) return {};
    nlohmann::json list = nlohmann::json::array();
    for (auto& layer : layers) {
        list.push_back(nlohmann::json::array({std::move(layer.protocol), std::move(layer.summary), std::move(layer.fields)}));
    }
    auto packed = nlohmann::json::to_msgpack(list);
    packed.shrink_to_fit();
    return packed;
}

std::vector<Layer> unpack_layers(const std::vector<std::uint8_t>& packed) {
    std::vector<Layer> layers;
    if (packed.empty()) return layers;
    auto list = nlohmann::json::from_msgpack(packed, true, false);
    if (!list.is_array()) return layers;
    for (auto& entry : list) {
        if (!entry.is_array() || entry.size() != 3 || !entry[0].is_string() || !entry[1].is_string()) continue;
        layers.push_back({entry[0].get<std::string>(), entry[1].get<std::string>(),
                          entry[2].is_object() ? std::move(entry[2]) : nlohmann::json::object()});
    }
    return layers;
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
