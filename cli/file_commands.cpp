#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/client.hpp"
#include "cli/commands.hpp"
#include "emud/topology/dot.hpp"
#include "emud/topology/loader.hpp"
#include "emud/topology/shapes.hpp"

namespace emu::cli {
namespace {

// Pipes DOT text into `dot -Tsvg -o FILE` (Graphviz).
void render_svg(const std::string& dot_text, const std::string& svg_file) {
    int input[2];
    if (::pipe2(input, O_CLOEXEC) != 0) throw CliError("pipe failed");
    pid_t pid = ::fork();
    if (pid < 0) throw CliError("fork failed");
    if (pid == 0) {
        ::dup2(input[0], STDIN_FILENO);
        ::execlp("dot", "dot", "-Tsvg", "-o", svg_file.c_str(), static_cast<char*>(nullptr));
        std::fprintf(stderr, "emu: cannot run dot (install graphviz): %s\n", std::strerror(errno));
        ::_exit(127);
    }
    ::close(input[0]);
    std::string_view rest = dot_text;
    while (!rest.empty()) {
        ssize_t n = ::write(input[1], rest.data(), rest.size());
        if (n <= 0) break;
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    ::close(input[1]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw CliError("dot could not draw " + svg_file);
}

}  // namespace

int validate_command(const std::vector<std::string>& files) {
    int status = 0;
    for (const auto& file : files) {
        auto lab = topology::load_topology_file(file);
        if (lab) {
            std::cerr << topology::format_all(lab->warnings, file);
            std::cout << file << ": ok, lab " << lab->name << " with " << lab->nodes.size() << " nodes and "
                      << lab->links.size() << " links"
                      << (lab->warnings.warning_count() > 0 ? ", " + topology::count_text(lab->warnings) : "") << "\n";
        } else {
            std::cerr << topology::format_all(lab.error(), file);
            std::cerr << file << ": " << topology::count_text(lab.error()) << "\n";
            status = 1;
        }
    }
    return status;
}

int gen_command(const std::string& shape) {
    auto yaml = topology::generate_shape(shape);
    if (!yaml) throw CliError(yaml.error());
    std::cout << *yaml;
    return 0;
}

int graph_command(const std::string& file_or_lab, const std::string& svg_file) {
    topology::LoadResult lab = tl::unexpected(topology::Diagnostics{});
    std::string name = file_or_lab;
    if (std::filesystem::exists(file_or_lab)) {
        lab = topology::load_topology_file(file_or_lab);
    } else {
        auto client = Client::connect();
        auto topology_reply = client.call("topology", {{"lab", file_or_lab}});
        name = topology_reply.value("source", file_or_lab);
        lab = topology::load_topology(topology_reply.value("text", ""), {name, file_or_lab});
    }
    if (!lab) {
        std::cerr << topology::format_all(lab.error(), name);
        return 1;
    }
    std::cerr << topology::format_all(lab->warnings, name);
    auto dot = topology::to_dot(*lab);
    if (svg_file.empty()) {
        std::cout << dot;
    } else {
        render_svg(dot, svg_file);
        std::cerr << "wrote " << svg_file << "\n";
    }
    return 0;
}

}  // namespace emu::cli
