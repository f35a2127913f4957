#include "nodes/httpd/inline_pages.hpp"

#include <stdexcept>

#include "lib/util/files.hpp"

namespace emu::http {

std::filesystem::path write_inline_pages(const std::filesystem::path& directory, const nlohmann::json& pages) {
    if (!pages.is_object()) throw std::invalid_argument("`pages` is not a map from paths to text");
    std::filesystem::remove_all(directory);
    std::filesystem::create_directories(directory);
    for (auto page = pages.begin(); page != pages.end(); ++page) {
        const auto& path = page.key();
        if (path.size() < 2 || path.front() != '/' || !page->is_string()) {
            throw std::invalid_argument("page '" + path + "' must start with / and be text");
        }
        std::filesystem::path relative;
        std::size_t start = 1;
        while (start <= path.size()) {
            auto end = path.find('/', start);
            auto segment = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (segment.empty() || segment == "." || segment == ".." || segment.find('\0') != std::string::npos) {
                throw std::invalid_argument("page '" + path + "' has an empty, . or .. part");
            }
            relative /= segment;
            if (end == std::string::npos) break;
            start = end + 1;
        }
        auto target = directory / relative;
        std::filesystem::create_directories(target.parent_path());
        util::write_file_atomic(target, page->get<std::string>());
    }
    return directory;
}

}  // namespace emu::http
