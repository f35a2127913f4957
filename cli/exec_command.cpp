#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/client.hpp"
#include "cli/commands.hpp"
#include "lib/net/node_entry.hpp"
#include "lib/util/paths.hpp"

namespace emu::cli {

int exec_command(const std::vector<std::string>& arguments) {
    std::vector<std::string> words = arguments;
    if (words.size() < 2) throw CliError("usage: emu exec LAB NODE [--] [COMMAND [ARGUMENT…]]");
    std::string lab = words[0];
    std::string node = words[1];
    words.erase(words.begin(), words.begin() + 2);
    if (!words.empty() && words.front() == "--") words.erase(words.begin());
    if (words.empty()) {
        // No command: an interactive shell in the node.
        const char* shell = std::getenv("SHELL");
        words.push_back(shell != nullptr && *shell != '\0' ? shell : "/bin/sh");
    }

    auto where = Client::connect().call("node", {{"lab", lab}, {"node", node}});
    net::NodeEntry entry(where["netns"].get<std::string>(), where["etc"].get<std::string>(), node);
    const char* step = "";
    if (int error = entry.enter(&step); error != 0) {
        throw CliError(std::string("cannot ") + step + " of " + lab + "/" + node + ": " + std::strerror(error));
    }
    // The tag lets `emu down` find this process (and what it starts) whatever happens.
    ::setenv("EMU_LAB", lab.c_str(), 1);
    ::setenv("EMU_NODE", node.c_str(), 1);
    // emu's node programs (emu-host …) are found by name, after the user's own.
    const char* path = std::getenv("PATH");
    auto with_ours = std::string(path != nullptr ? path : "/usr/bin:/bin") + ":" + util::program_dir().string();
    ::setenv("PATH", with_ours.c_str(), 1);
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    int error = errno;
    std::cerr << "emu: " << words.front() << ": " << std::strerror(error) << "\n";
    return error == ENOENT ? 127 : 126;  // as a shell says "not found" and "cannot execute"
}

}  // namespace emu::cli
