#include "nodes/host/remembered_lease.hpp"

#include <nlohmann/json.hpp>

#include "lib/util/files.hpp"

namespace emu::host {

std::optional<RememberedLease> load_remembered_lease(const std::filesystem::path& path, std::int64_t now) {
    auto text = util::read_file(path);
    if (!text) return std::nullopt;
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (!json.is_object()) return std::nullopt;
    try {
        RememberedLease lease;
        auto address = wire::Ipv4Address::parse(json.at("address").get<std::string>());
        if (!address) return std::nullopt;
        lease.address = *address;
        lease.prefix_length = json.at("prefix_length").get<int>();
        if (lease.prefix_length < 1 || lease.prefix_length > 32) return std::nullopt;
        for (const auto& router : json.at("routers")) {
            auto parsed = wire::Ipv4Address::parse(router.get<std::string>());
            if (!parsed) return std::nullopt;
            lease.routers.push_back(*parsed);
        }
        lease.expires = json.at("expires").get<std::int64_t>();
        if (lease.expires <= now) return std::nullopt;
        return lease;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;  // not ours or torn: start from INIT as if there were none
    }
}

void remember_lease(const std::filesystem::path& path, const RememberedLease& lease) {
    nlohmann::json routers = nlohmann::json::array();
    for (const auto& router : lease.routers) routers.push_back(router.to_string());
    nlohmann::json json{{"address", lease.address.to_string()},
                        {"prefix_length", lease.prefix_length},
                        {"routers", routers},
                        {"expires", lease.expires}};
    util::write_file_atomic(path, json.dump() + "\n", true);
}

void forget_lease(const std::filesystem::path& path) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
}

}  // namespace emu::host
