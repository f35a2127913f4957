#include "emud/build/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <sstream>

#include "lib/util/files.hpp"
#include "lib/util/system_error.hpp"

namespace emu::build {

std::string current_boot_id() {
    auto text = util::read_file("/proc/sys/kernel/random/boot_id").value_or("");
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

Journal Journal::create(const std::filesystem::path& file, const std::string& lab, const std::string& source_file,
                        const std::string& topology_text) {
    std::filesystem::create_directories(file.parent_path());
    util::UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600));
    if (!fd) util::throw_errno("create journal " + file.string());
    Journal journal(file, std::move(fd));
    journal.append({{"event", "begin"},
                    {"lab", lab},
                    {"boot_id", current_boot_id()},
                    {"source", source_file},
                    {"created", static_cast<std::int64_t>(std::time(nullptr))},
                    {"topology", topology_text}},
                   true);
    util::sync_directory(file.parent_path());
    return journal;
}

void Journal::append(const nlohmann::json& entry, bool durable) {
    // One write per entry: with O_APPEND a SIGKILL cannot interleave two half lines.
    std::string line = entry.dump() + "\n";
    std::string_view rest = line;
    while (!rest.empty()) {
        ssize_t written = ::write(fd_.get(), rest.data(), rest.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            util::throw_errno("write journal " + file_.string());
        }
        rest.remove_prefix(static_cast<std::size_t>(written));
    }
    if (durable && ::fdatasync(fd_.get()) != 0) util::throw_errno("sync journal " + file_.string());
}

void Journal::namespaces_intended(const std::vector<std::filesystem::path>& paths) {
    auto list = nlohmann::json::array();
    for (const auto& path : paths) list.push_back(path.string());
    append({{"event", "netns"}, {"paths", list}}, true);
}

void Journal::namespace_made(const std::filesystem::path& path, ino_t inode) {
    append({{"event", "netns-made"}, {"path", path.string()}, {"inode", inode}}, false);
}

void Journal::namespace_foreign(const std::filesystem::path& path) {
    append({{"event", "netns-foreign"}, {"path", path.string()}}, true);
}

void Journal::etc_intended(const std::vector<std::filesystem::path>& directories) {
    auto list = nlohmann::json::array();
    for (const auto& directory : directories) list.push_back(directory.string());
    append({{"event", "etc"}, {"paths", list}}, true);
}

void Journal::ready() { append({{"event", "ready"}}, true); }

std::optional<JournalContents> Journal::read(const std::filesystem::path& file) {
    auto text = util::read_file(file);
    if (!text) return std::nullopt;
    JournalContents contents;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        auto entry = nlohmann::json::parse(line, nullptr, false);
        if (entry.is_discarded() || !entry.is_object()) continue;  // a line torn by a crash
        auto event = entry.value("event", "");
        if (event == "begin") {
            contents.lab = entry.value("lab", "");
            contents.boot_id = entry.value("boot_id", "");
            contents.source_file = entry.value("source", "");
            contents.topology_text = entry.value("topology", "");
            contents.created = entry.value("created", std::int64_t{0});
        } else if (event == "netns") {
            for (const auto& path : entry.value("paths", nlohmann::json::array())) {
                if (path.is_string()) contents.namespaces.emplace_back(path.get<std::string>());
            }
        } else if (event == "netns-made") {
            contents.namespace_inodes[entry.value("path", "")] = entry.value("inode", ino_t{0});
        } else if (event == "netns-foreign") {
            contents.foreign_namespaces.emplace_back(entry.value("path", ""));
        } else if (event == "etc") {
            for (const auto& path : entry.value("paths", nlohmann::json::array())) {
                if (path.is_string()) contents.etc_directories.emplace_back(path.get<std::string>());
            }
        } else if (event == "ready") {
            contents.ready = true;
        }
    }
    return contents;
}

}  // namespace emu::build
