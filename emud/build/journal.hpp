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
    bool ready = false;  ///< `up` finished
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
    /// Records that the lab is complete.
    void ready();

private:
    Journal(std::filesystem::path file, util::UniqueFd fd) : file_(std::move(file)), fd_(std::move(fd)) {}
    void append(const nlohmann::json& entry, bool durable);

    std::filesystem::path file_;
    util::UniqueFd fd_;
};

/// This boot's identity (/proc/sys/kernel/random/boot_id).
std::string current_boot_id();

}  // namespace emu::build
