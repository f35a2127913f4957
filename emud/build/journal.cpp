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

Journal Journal::reopen(const std::filesystem::path& file) {
    util::UniqueFd fd(::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    if (!fd) util::throw_errno("open journal " + file.string());
    return Journal(file, std::move(fd));
}

void Journal::ready() { append({{"event", "ready"}}, true); }

void Journal::started() { append({{"event", "started"}}, true); }

void Journal::process(const std::string& node, const std::string& name, const JournalProcess& process) {
    nlohmann::json entry{{"event", "process"}, {"node", node},   {"name", name},
                         {"state", process.state}, {"pid", process.pid}, {"start", process.start_ticks},
                         {"restarts", process.restarts}};
    if (process.exit_code != 0) entry["exit_code"] = process.exit_code;
    if (process.signal != 0) entry["signal"] = process.signal;
    if (!process.error.empty()) entry["error"] = process.error;
    append(entry, false);
}

std::optional<JournalContents> Journal::read(const std::filesystem::path& file) {
    auto text = util::read_file(file);
    if (!text) return std::nullopt;
    JournalContents contents;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        auto entry = nlohmann::json::parse(line, nullptr, false);
        if (entry.is_discarded() || !entry.is_object()) continue;  // a line torn by a crash
        try {
            read_entry(entry, contents);
        } catch (const nlohmann::json::exception&) {
            // A field of the wrong type: not a line emud wrote; the rest still counts.
        }
    }
    return contents;
}

void Journal::read_entry(const nlohmann::json& entry, JournalContents& contents) {
    auto event = entry.value("event", "");
    if (event == "begin") {
        // Read whole before any of it is kept: a bad field leaves the contents as they were.
        auto lab = entry.value("lab", "");
        auto boot_id = entry.value("boot_id", "");
        auto source = entry.value("source", "");
        auto topology = entry.value("topology", "");
        auto created = entry.value("created", std::int64_t{0});
        contents.lab = std::move(lab);
        contents.boot_id = std::move(boot_id);
        contents.source_file = std::move(source);
        contents.topology_text = std::move(topology);
        contents.created = created;
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
    } else if (event == "started") {
        contents.started = true;
    } else if (event == "process") {
        JournalProcess process;
        process.state = entry.value("state", "");
        process.pid = entry.value("pid", pid_t{0});
        process.start_ticks = entry.value("start", std::uint64_t{0});
        process.restarts = entry.value("restarts", 0);
        process.exit_code = entry.value("exit_code", 0);
        process.signal = entry.value("signal", 0);
        process.error = entry.value("error", "");
        contents.processes[{entry.value("node", ""), entry.value("name", "")}] = std::move(process);
    }
}

}  // namespace emu::build
