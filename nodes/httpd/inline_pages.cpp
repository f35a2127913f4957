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
        auto relative = util::inline_file_path(path);
        if (!relative || !page->is_string()) {
            throw std::invalid_argument("page '" + path + "' must start with /, have no empty, . or .. part and be text");
        }
        auto target = directory / *relative;
        std::filesystem::create_directories(target.parent_path());
        util::write_file_atomic(target, page->get<std::string>());
    }
    return directory;
}

}  // namespace emu::http
