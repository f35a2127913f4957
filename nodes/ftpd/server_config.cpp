#include "nodes/ftpd/server_config.hpp"

#include <stdexcept>

#include "lib/util/files.hpp"
#include "nodes/common/config_values.hpp"

namespace emu::ftp {
namespace {

using nlohmann::json;

// The inline files, written where none of that name is yet: they seed the tree on the first
// start, and what users did to it since (an upload over one, a deletion) is theirs to keep.
// A path ending in "/" is a directory.
void seed_files(const std::filesystem::path& root, const std::filesystem::path& seeded, const json& files) {
    if (!files.is_object()) throw std::invalid_argument("`files` is not a map from paths to text");
    if (std::filesystem::exists(seeded)) return;
    for (auto file = files.begin(); file != files.end(); ++file) {
        auto key = file.key();
        bool directory = key.size() > 1 && key.back() == '/';
        if (directory) key.pop_back();
        auto relative = util::inline_file_path(key);
        if (!relative || (!directory && !file->is_string())) {
            throw std::invalid_argument("file '" + file.key() + "' must start with /, have no empty, . or .. part and be text");
        }
        auto target = root / *relative;
        std::filesystem::create_directories(directory ? target : target.parent_path());
        if (!directory) util::write_file_atomic(target, file->get<std::string>(), true);
    }
    util::write_new_file(seeded, "");
}

}  // namespace

ServerConfig read_server_config(const json& config, const std::filesystem::path& data_directory) {
    if (!config.is_object()) throw std::invalid_argument("the configuration is not a JSON object");
    ServerConfig result;
    if (auto it = config.find("root"); it != config.end()) {
        if (!it->is_string() || it->get<std::string>().empty()) throw std::invalid_argument("`root` is not a path");
        result.root = it->get<std::string>();
    } else {
        result.root = data_directory / "files";
        std::filesystem::create_directories(result.root);
        if (auto files = config.find("files"); files != config.end()) seed_files(result.root, data_directory / "files.seeded", *files);
    }
    if (auto it = config.find("users"); it != config.end()) {
        if (!it->is_object()) throw std::invalid_argument("`users` is not a map from names to accounts");
        for (auto user = it->begin(); user != it->end(); ++user) {
            const auto& account = *user;
            if (user.key().empty() || !account.is_object() || !account.contains("password") ||
                !account["password"].is_string()) {
                throw std::invalid_argument("user '" + user.key() + "' has no `password`");
            }
            result.users[user.key()] = Account{account["password"].get<std::string>(), account.value("write", true)};
        }
    }
    result.anonymous = config.value("anonymous", false);
    if (auto it = config.find("passive_ports"); it != config.end()) {
        if (!it->is_array() || it->size() != 2) throw std::invalid_argument("`passive_ports` is not [first, last]");
        result.passive_first = node::config_port((*it)[0], "`passive_ports`' first");
        result.passive_last = node::config_port((*it)[1], "`passive_ports`' last");
        if (result.passive_last < result.passive_first) throw std::invalid_argument("`passive_ports` ends before it starts");
    }
    if (auto it = config.find("port"); it != config.end()) result.port = node::config_port(*it, "`port`");
    if (auto it = config.find("idle_timeout"); it != config.end()) result.idle_timeout = node::config_seconds(*it, "`idle_timeout`", 0.1, 86400);
    if (auto it = config.find("data_timeout"); it != config.end()) result.data_timeout = node::config_seconds(*it, "`data_timeout`", 0.1, 86400);
    if (result.users.empty() && !result.anonymous) throw std::invalid_argument("no `users` and no `anonymous`: nobody can log in");
    return result;
}

}  // namespace emu::ftp
