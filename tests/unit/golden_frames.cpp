#include "tests/unit/golden_frames.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace emu::test {
namespace {

const std::filesystem::path kFrames = EMU_SOURCE_DIR "/tests/data/frames";

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

std::vector<std::uint8_t> golden_frame(const std::string& name) {
    std::ifstream file(kFrames / (name + ".hex"));
    if (!file) throw std::runtime_error("no golden frame " + name);
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::erase_if(text, [](unsigned char c) { return std::isspace(c); });
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
        int high = hex_digit(text[i]), low = hex_digit(text[i + 1]);
        if (high < 0 || low < 0) throw std::runtime_error("golden frame " + name + " is not hex");
        bytes.push_back(static_cast<std::uint8_t>(high << 4 | low));
    }
    if (text.size() % 2 != 0 || bytes.empty()) throw std::runtime_error("golden frame " + name + " is not hex");
    return bytes;
}

std::vector<std::string> golden_frame_names() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(kFrames)) {
        if (entry.path().extension() == ".hex") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace emu::test
