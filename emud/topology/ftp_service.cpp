#include "emud/topology/ftp_service.hpp"

#include <algorithm>
#include <charconv>

#include "emud/topology/services.hpp"
#include "lib/util/files.hpp"

namespace emu::topology {
namespace {

using nlohmann::json;

const std::vector<std::string> kKeys{"root", "files", "users", "anonymous", "passive_ports", "idle_timeout", "data_timeout"};

std::optional<std::uint16_t> port_number(std::string_view text) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

// "50000-50099", or [50000, 50099].
std::optional<std::pair<std::uint16_t, std::uint16_t>> port_range(const json& value) {
    std::optional<std::uint16_t> first, last;
    if (value.is_string()) {
        auto text = value.get<std::string>();
        auto dash = text.find('-');
        if (dash == std::string::npos) return std::nullopt;
        first = port_number(std::string_view(text).substr(0, dash));
        last = port_number(std::string_view(text).substr(dash + 1));
    } else if (value.is_array() && value.size() == 2) {
        auto number = [](const json& port) -> std::optional<std::uint16_t> {
            if (!port.is_number_unsigned() || port.get<std::uint64_t>() == 0 || port.get<std::uint64_t>() > 65535) return std::nullopt;
            return static_cast<std::uint16_t>(port.get<std::uint64_t>());
        };
        first = number(value[0]);
        last = number(value[1]);
    }
    if (!first || !last || *last < *first) return std::nullopt;
    return std::pair{*first, *last};
}

}  // namespace

void check_ftp_service(const Lab& lab, const Node& node, Service& service, Diagnostics& diagnostics) {
    const auto& config = service.config;
    auto error = [&](const std::string& pointer, const std::string& message, const std::string& hint = {}) {
        diagnostics.error(service.spot(pointer), message, hint);
    };
    const std::string example = "e.g. ftp: {users: {alice: secret}, files: {/readme.txt: \"hello\\n\"}}";
    if (!config.is_object()) {
        error("", "`ftp` of '" + node.name + "' is a map of settings, not " + shown(config), example);
        return;
    }
    auto problems_before = diagnostics.error_count();
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (std::find(kKeys.begin(), kKeys.end(), it.key()) == kKeys.end()) {
            error("/" + pointer_token(it.key()), "unknown key '" + it.key() + "' in the ftp settings of '" + node.name + "'",
                  suggestion(it.key(), kKeys, "keys"));
        }
    }
    json program = json::object();
    if (config.contains("root") && config.contains("files")) {
        error("/files", "`ftp` of '" + node.name + "' has both `root` and `files`", "choose one");
    }
    if (auto it = config.find("root"); it != config.end()) {
        if (!it->is_string() || it->get<std::string>().empty()) {
            error("/root", "`root` of the ftp service is a directory path, not " + shown(*it));
        } else if (auto root = path_beside_topology(lab, it->get<std::string>())) {
            program["root"] = *root;
        } else {
            error("/root", "`root` " + it->get<std::string>() + " is relative, and the topology has no folder to be relative to",
                  "write an absolute path");
        }
    }
    if (auto it = config.find("files"); it != config.end()) {
        if (!it->is_object()) {
            error("/files", "`files` maps paths to their text, like {/readme.txt: \"hello\\n\", /incoming/: {}}");
        } else {
            json files = json::object();
            for (auto file = it->begin(); file != it->end(); ++file) {
                auto pointer = "/files/" + pointer_token(file.key());
                auto key = file.key();
                bool directory = key.size() > 1 && key.back() == '/';
                if (!util::inline_file_path(directory ? key.substr(0, key.size() - 1) : key)) {
                    error(pointer, "file path '" + key + "' must start with / and have no empty, . or .. part");
                } else if (directory) {
                    files[key] = nullptr;  // a directory: its value is not used
                } else if (!file->is_string()) {
                    error(pointer, "file " + key + " is text, not " + shown(*file), "a directory's path ends in /");
                } else {
                    files[key] = *file;
                }
            }
            program["files"] = files;
        }
    }
    json users = json::object();
    if (auto it = config.find("users"); it != config.end()) {
        if (!it->is_object()) {
            error("/users", "`users` maps names to passwords, like {alice: secret, bob: {password: pw, write: false}}");
        } else {
            for (auto user = it->begin(); user != it->end(); ++user) {
                auto pointer = "/users/" + pointer_token(user.key());
                // RFC 959 §5.3.2: a user name is a string of printable characters, sent after USER.
                bool printable = !user.key().empty() && std::all_of(user.key().begin(), user.key().end(),
                                                                     [](char c) { return c > ' ' && c < 127; });
                if (!printable) {
                    error(pointer, "user name '" + user.key() + "' must be printable ASCII without spaces");
                    continue;
                }
                json account = {{"write", true}};
                if (user->is_string() || user->is_number()) {
                    account["password"] = user->is_string() ? user->get<std::string>() : user->dump();
                } else if (user->is_object() && user->contains("password") && (*user)["password"].is_string()) {
                    account["password"] = (*user)["password"];
                    for (auto key = user->begin(); key != user->end(); ++key) {
                        if (key.key() != "password" && key.key() != "write") {
                            error(pointer + "/" + pointer_token(key.key()), "unknown key '" + key.key() + "' for user " + user.key(),
                                  "a user has `password` and `write`");
                        }
                    }
                    if (user->contains("write")) {
                        if (!(*user)["write"].is_boolean()) {
                            error(pointer + "/write", "`write` is true or false, not " + shown((*user)["write"]));
                        } else {
                            account["write"] = (*user)["write"];
                        }
                    }
                } else {
                    error(pointer, "user " + user.key() + " needs a password: `" + user.key() + ": secret` or `" + user.key() +
                                       ": {password: secret, write: false}`");
                    continue;
                }
                if (account["password"].get<std::string>().find_first_of("\r\n") != std::string::npos) {
                    error(pointer, "the password of " + user.key() + " cannot hold a line end");
                }
                users[user.key()] = account;
            }
        }
    }
    program["users"] = users;
    bool anonymous = false;
    if (auto it = config.find("anonymous"); it != config.end()) {
        if (!it->is_boolean()) {
            error("/anonymous", "`anonymous` is true or false, not " + shown(*it));
        } else {
            anonymous = it->get<bool>();
        }
    }
    program["anonymous"] = anonymous;
    if (users.empty() && !anonymous && diagnostics.error_count() == problems_before) {
        error("", "`ftp` of '" + node.name + "' lets nobody in: give it `users` or `anonymous: true`", example);
    }
    if (auto it = config.find("passive_ports"); it != config.end()) {
        auto range = port_range(*it);
        if (!range || range->first < 1024) {
            error("/passive_ports", "`passive_ports` is a range of ports from 1024, like 50000-50099, not " + shown(*it));
        } else {
            program["passive_ports"] = {range->first, range->second};
        }
    }
    for (const char* key : {"idle_timeout", "data_timeout"}) {
        if (auto it = config.find(key); it != config.end()) {
            auto seconds = seconds_of(*it);
            if (!seconds || *seconds < 0.1 || *seconds > 86400) {
                error(std::string("/") + key, std::string("`") + key + "` is a time from 0.1 s to 1 day: 300, 2.5s or 500ms, not " + shown(*it));
            } else {
                program[key] = *seconds;
            }
        }
    }
    if (diagnostics.error_count() > problems_before) return;
    service.program_config = program;
}

}  // namespace emu::topology
