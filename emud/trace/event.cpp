#include "emud/trace/event.hpp"

#include "emud/trace/layer_fields.hpp"

#include <cstring>

namespace emu::trace {

Layer malformed_layer(const std::string& layer, const std::string& why) {
    return kMalformedFields.layer(layer + " malformed: " + why,
                                  {{kMalformedFields["layer"], layer}, {kMalformedFields["error"], why}});
}

Layer Layer::deferred(LayerExpander expand, std::vector<std::uint8_t> record) {
    Layer layer;
    layer.expand = expand;
    layer.record = std::move(record);
    return layer;
}

Layer expanded(Layer layer) {
    return layer.expand ? layer.expand(layer.record) : layer;
}

std::vector<Layer> expanded(std::vector<Layer> layers) {
    for (auto& layer : layers) layer = expanded(std::move(layer));
    return layers;
}

namespace {

// Each packed layer: a kind byte, a length (4 bytes, host order), then the bytes: for a made
// layer its MessagePack, for a deferred one its expander's address and its record.
enum class PackedKind : std::uint8_t { made = 1, deferred = 2 };

void put_packed(std::vector<std::uint8_t>& out, PackedKind kind, const std::uint8_t* head, std::size_t head_size,
                const std::vector<std::uint8_t>& body) {
    auto length = static_cast<std::uint32_t>(head_size + body.size());
    out.push_back(static_cast<std::uint8_t>(kind));
    const auto* length_bytes = reinterpret_cast<const std::uint8_t*>(&length);
    out.insert(out.end(), length_bytes, length_bytes + sizeof length);
    out.insert(out.end(), head, head + head_size);
    out.insert(out.end(), body.begin(), body.end());
}

}  // namespace

std::vector<std::uint8_t> pack_layers(std::vector<Layer> layers) {
    if (layers.empty()) return {};
    std::vector<std::uint8_t> packed;
    for (auto& layer : layers) {
        if (layer.expand) {
            const auto* address = reinterpret_cast<const std::uint8_t*>(&layer.expand);
            put_packed(packed, PackedKind::deferred, address, sizeof layer.expand, layer.record);
        } else {
            auto made = nlohmann::json::to_msgpack(
                nlohmann::json::array({std::move(layer.protocol), std::move(layer.summary), std::move(layer.fields)}));
            put_packed(packed, PackedKind::made, nullptr, 0, made);
        }
    }
    packed.shrink_to_fit();
    return packed;
}

std::vector<Layer> unpack_layers(const std::vector<std::uint8_t>& packed) {
    std::vector<Layer> layers;
    std::size_t at = 0;
    constexpr std::size_t kHead = 1 + sizeof(std::uint32_t);
    while (packed.size() - at >= kHead) {
        auto kind = static_cast<PackedKind>(packed[at]);
        std::uint32_t length = 0;
        std::memcpy(&length, packed.data() + at + 1, sizeof length);
        if (packed.size() - at - kHead < length) break;
        const auto* bytes = packed.data() + at + kHead;
        at += kHead + length;
        if (kind == PackedKind::deferred && length >= sizeof(LayerExpander)) {
            LayerExpander expand = nullptr;
            std::memcpy(&expand, bytes, sizeof expand);
            layers.push_back(expand(std::vector<std::uint8_t>(bytes + sizeof expand, bytes + length)));
            continue;
        }
        if (kind != PackedKind::made) continue;
        auto entry = nlohmann::json::from_msgpack(bytes, bytes + length, true, false);
        if (!entry.is_array() || entry.size() != 3 || !entry[0].is_string() || !entry[1].is_string()) continue;
        Layer layer;
        layer.protocol = entry[0].get<std::string>();
        layer.summary = entry[1].get<std::string>();
        layer.fields = entry[2].is_object() ? std::move(entry[2]) : nlohmann::json::object();
        layers.push_back(std::move(layer));
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
