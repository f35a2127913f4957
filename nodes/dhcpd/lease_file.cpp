#include "nodes/dhcpd/lease_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "lib/util/files.hpp"
#include "lib/util/system_error.hpp"

namespace emu::dhcp {
namespace {

std::string line_of(const Lease& lease) {
    nlohmann::json json = {{"address", lease.address.to_string()}, {"client", lease.client},
                           {"mac", lease.mac.to_string()},         {"hostname", lease.hostname},
                           {"expires", lease.expires},             {"state", to_string(lease.state)}};
    // A host name is whatever the client sent (option 12): bytes that are not UTF-8 are
    // written replaced rather than refused, or one odd name would stop every lease after it.
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<Lease> lease_of(const std::string& line) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object()) return std::nullopt;
    try {
        auto address = wire::Ipv4Address::parse(json.at("address").get<std::string>());
        auto mac = wire::MacAddress::parse(json.at("mac").get<std::string>());
        auto state = lease_state_from(json.at("state").get<std::string>());
        if (!address || !mac || !state) return std::nullopt;
        return Lease{*address, json.at("client").get<std::string>(), *mac, json.value("hostname", std::string()),
                     json.at("expires").get<UnixTime>(), *state};
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

}  // namespace

LeaseFile::Loaded LeaseFile::load(const std::filesystem::path& path) {
    Loaded loaded;
    auto text = util::read_file(path);
    if (!text) return loaded;
    std::map<std::uint32_t, Lease> latest;
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        if (auto lease = lease_of(line)) {
            latest[lease->address.value] = std::move(*lease);
        } else {
            ++loaded.skipped_lines;
        }
    }
    for (auto& [address, lease] : latest) loaded.leases.push_back(std::move(lease));
    return loaded;
}

LeaseFile::LeaseFile(std::filesystem::path path, const std::vector<Lease>& leases) : path_(std::move(path)) {
    std::string content;
    for (const auto& lease : leases) content += line_of(lease);
    util::write_file_atomic(path_, content, true);
    util::sync_directory(path_.parent_path().empty() ? std::filesystem::path(".") : path_.parent_path());
    file_ = util::UniqueFd(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    if (!file_) util::throw_errno("open " + path_.string());
}

void LeaseFile::append(const std::vector<Lease>& changes) {
    if (changes.empty()) return;
    // After a write that failed part way, a newline first ends the torn line, so that it
    // alone is skipped when the file is read.
    std::string content = torn_ ? "\n" : "";
    for (const auto& lease : changes) content += line_of(lease);
    std::size_t done = 0;
    while (done < content.size()) {
        auto n = ::write(file_.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            torn_ = torn_ || done > 0;
            util::throw_errno("write " + path_.string());
        }
        done += static_cast<std::size_t>(n);
    }
    torn_ = false;
    if (::fdatasync(file_.get()) != 0) util::throw_errno("fdatasync " + path_.string());
}

}  // namespace emu::dhcp
