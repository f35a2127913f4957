#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/util/unique_fd.hpp"

namespace emu::build {

/// What the journal last says of one process of the lab (written by emud's supervisor on
/// each start and end), for a later emud to take the process back.
struct JournalProcess {
    std::string state;  ///< supervise::ProcessState's name: running, exited, crashed …
    pid_t pid = 0;
    std::uint64_t start_ticks = 0;  ///< with pid, the process's identity in this boot
    int restarts = 0;
    int exit_code = 0;
    int signal = 0;
    std::string error;
};

/// What a lab's journal says was made, or was about to be made, for that lab.
struct JournalContents {
    std::string lab;
    std::string boot_id;      ///< of the boot that made the lab; inodes mean nothing after another
    std::string source_file;  ///< the topology it came from
    std::string topology_text;
    std::int64_t created = 0;  ///< when `up` began, seconds since the epoch
    std::vector<std::filesystem::path> namespaces;         ///< in the order they were made
    std::map<std::filesystem::path, ino_t> namespace_inodes;  ///< of those that were made
    std::vector<std::filesystem::path> foreign_namespaces;     ///< intended, but another made them first
    std::vector<std::filesystem::path> etc_directories;
    bool ready = false;    ///< `up` made every kernel object and file
    bool started = false;  ///< `up` started every process: the lab is complete
    /// By node and process name ("exec[0]", or the service), the last word on each.
    std::map<std::pair<std::string, std::string>, JournalProcess> processes;
};

/// The write-ahead record of one lab. Every kernel object and file is written down before it
/// is made (a batch of intents, then fdatasync, then the objects), so that `emu down` can
/// remove exactly the lab — after a failed `up`, after emud was killed in the middle of one,
/// and after a reboot wiped /run. One JSON object a line; a torn last line is ignored.
class Journal {
public:
    /// Starts the journal of a new lab at `file`. Fails when one exists: that lab is up, or
    /// was never taken down.
    static Journal create(const std::filesystem::path& file, const std::string& lab, const std::string& source_file,
                          const std::string& topology_text);

    /// Opens the journal of a lab that is up, to go on writing it.
    static Journal reopen(const std::filesystem::path& file);

    /// Reads a journal; nullopt when there is none.
    static std::optional<JournalContents> read(const std::filesystem::path& file);

    /// Records that these namespaces are about to be made, durably.
    void namespaces_intended(const std::vector<std::filesystem::path>& paths);
    /// Records the identity of a namespace once made (not synced: it only matters in this boot).
    void namespace_made(const std::filesystem::path& path, ino_t inode);
    /// Records that an intended namespace was made by someone else first (a name collision
    /// with another lab): teardown must leave it alone.
    void namespace_foreign(const std::filesystem::path& path);
    /// Records that these /etc/netns directories are about to be made, durably.
    void etc_intended(const std::vector<std::filesystem::path>& directories);
    /// Records that every kernel object and file of the lab is made.
    void ready();
    /// Records that every process of `up` was started, durably: the lab is complete.
    void started();
    /// Records a process's start or end (not synced: processes do not outlive the boot).
    void process(const std::string& node, const std::string& name, const JournalProcess& process);

private:
    Journal(std::filesystem::path file, util::UniqueFd fd) : file_(std::move(file)), fd_(std::move(fd)) {}
    void append(const nlohmann::json& entry, bool durable);
    static void read_entry(const nlohmann::json& entry, JournalContents& contents);

    std::filesystem::path file_;
    util::UniqueFd fd_;
};

/// This boot's identity (/proc/sys/kernel/random/boot_id).
std::string current_boot_id();

}  // namespace emu::build
