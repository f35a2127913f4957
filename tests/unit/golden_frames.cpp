#include "tests/unit/golden_frames.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "lib/wire/frame.hpp"

namespace emu::test {
namespace {

const std::filesystem::path kFrames = EMU_SOURCE_DIR "/tests/data/frames";
const std::filesystem::path kSessions = EMU_SOURCE_DIR "/tests/data/sessions";

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The bytes a hex file holds (whitespace anywhere); `what` names it in an error.
std::vector<std::uint8_t> read_hex_file(const std::filesystem::path& path, const std::string& what) {
    std::ifstream file(path);
    if (!file) throw std::runtime_error("no " + what);
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::erase_if(text, [](unsigned char c) { return std::isspace(c); });
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
        int high = hex_digit(text[i]), low = hex_digit(text[i + 1]);
        if (high < 0 || low < 0) throw std::runtime_error(what + " is not hex");
        bytes.push_back(static_cast<std::uint8_t>(high << 4 | low));
    }
    if (text.size() % 2 != 0 || bytes.empty()) throw std::runtime_error(what + " is not hex");
    return bytes;
}

}  // namespace

std::vector<std::uint8_t> golden_frame(const std::string& name) { return read_hex_file(kFrames / (name + ".hex"), "golden frame " + name); }

std::vector<std::uint8_t> golden_session(const std::string& name, const std::string& side) {
    return read_hex_file(kSessions / (name + "." + side + ".hex"), "golden session " + name + " (" + side + ")");
}

std::vector<std::string> golden_frame_names() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(kFrames)) {
        if (entry.path().extension() == ".hex") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::uint8_t> golden_udp_payload(const std::string& name) {
    auto frame = golden_frame(name);  // the decoded layers are views into it
    auto decoded = wire::decode_frame(frame);
    if (!decoded || !decoded->udp) throw std::runtime_error("golden frame " + name + " is not UDP");
    return {decoded->udp->payload.begin(), decoded->udp->payload.end()};
}

std::vector<std::uint8_t> golden_ip_payload(const std::string& name, std::uint8_t protocol) {
    auto frame = golden_frame(name);
    auto decoded = wire::decode_frame(frame);
    if (!decoded || !decoded->ipv4 || decoded->ipv4->header.protocol != protocol) {
        throw std::runtime_error("golden frame " + name + " is not IP protocol " + std::to_string(protocol));
    }
    return {decoded->ipv4->payload.begin(), decoded->ipv4->payload.end()};
}

}  // namespace emu::test
