#include "emud/topology/http_service.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "emud/topology/services.hpp"
#include "lib/util/files.hpp"

namespace emu::topology {
namespace {

using nlohmann::json;

const std::vector<std::string> kKeys{"root", "pages", "request_timeout"};

}  // namespace

void check_http_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics) {
    const auto& config = service.config;
    auto error = [&](const std::string& pointer, const std::string& message, const std::string& hint = {}) {
        diagnostics.error(service.spot(pointer), message, hint);
    };
    const std::string example = "e.g. http: {pages: {/index.html: \"<h1>Hello</h1>\"}} or http: {root: site}";
    if (!config.is_object() || (!config.contains("root") && !config.contains("pages"))) {
        error("", "`http` of '" + node.name + "' needs its site: a `root` directory or `pages`", example);
        return;
    }
    auto problems_before = diagnostics.error_count();
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (std::find(kKeys.begin(), kKeys.end(), it.key()) == kKeys.end()) {
            error("/" + pointer_token(it.key()), "unknown key '" + it.key() + "' in the http settings of '" + node.name + "'",
                  suggestion(it.key(), kKeys, "keys"));
        }
    }
    if (config.contains("root") && config.contains("pages")) {
        error("/pages", "`http` of '" + node.name + "' has both `root` and `pages`", "choose one");
    }
    json program = json::object();
    if (auto it = config.find("root"); it != config.end()) {
        if (!it->is_string() || it->get<std::string>().empty()) {
            error("/root", "`root` of the http service is a directory path, not " + shown(*it));
        } else {
            auto root = path_beside_topology(lab, it->get<std::string>());
            if (!root) {
                error("/root", "`root` " + it->get<std::string>() +
                                   " is relative, and the topology has no folder to be relative to",
                      "write an absolute path");
            } else {
                program["root"] = *root;
            }
        }
    }
    if (auto it = config.find("pages"); it != config.end()) {
        if (!it->is_object() || it->empty()) {
            error("/pages", "`pages` maps paths to their text, like {/index.html: \"<h1>Hello</h1>\"}");
        } else {
            for (auto page = it->begin(); page != it->end(); ++page) {
                auto pointer = "/pages/" + pointer_token(page.key());
                if (!util::inline_file_path(page.key())) {
                    error(pointer, "page path '" + page.key() + "' must start with / and have no empty, . or .. part");
                } else if (!page->is_string()) {
                    error(pointer, "page " + page.key() + " is text, not " + shown(*page));
                }
            }
            program["pages"] = *it;
        }
    }
    if (auto it = config.find("request_timeout"); it != config.end()) {
        auto seconds = seconds_of(*it);
        if (!seconds || *seconds < 0.1 || *seconds > 3600) {
            error("/request_timeout", "`request_timeout` is the time a request has to arrive whole, 0.1 s to 1 h: "
                                      "10, 2.5s or 500ms, not " + shown(*it));
        } else {
            program["request_timeout"] = *seconds;
        }
    }
    if (diagnostics.error_count() > problems_before) return;
    service.program_config = program;
}

}  // namespace emu::topology
