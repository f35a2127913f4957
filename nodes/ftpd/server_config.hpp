#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace emu::ftp {

/// A user who logs in with a name and a password.
struct Account {
    std::string password;
    bool may_write = true;
};

/// emu-ftpd's settings, as emud writes them from a node's `services: ftp:` (docs/ftp.md).
struct ServerConfig {
    std::filesystem::path root;            ///< every user's files; no path leads out of it
    std::map<std::string, Account> users;  ///< by name
    bool anonymous = false;                ///< "anonymous" and "ftp" log in with any password, read only
    std::uint16_t passive_first = 50000;   ///< the ports PASV and EPSV listen on
    std::uint16_t passive_last = 50099;
    std::uint16_t port = 21;
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};  ///< control connection quiet this long: 421
    std::chrono::milliseconds data_timeout{std::chrono::minutes(1)};  ///< a data connection not made, or stalled
};

/// Reads the settings from emud's JSON; `data_directory` holds the files when no `root` is
/// given, seeded once with the inline `files` (an upload that replaced one survives a
/// restart). Throws std::invalid_argument naming the key at fault.
ServerConfig read_server_config(const nlohmann::json& config, const std::filesystem::path& data_directory);

}  // namespace emu::ftp
