// emud: the emu daemon. One per machine; it makes and removes labs on request of `emu`,
// which starts it when it is not running.
#include <CLI/CLI.hpp>

#include "emud/daemon.hpp"

int main(int argc, char** argv) {
    CLI::App app{"emud: the emu daemon. It builds labs of network namespaces from YAML topologies on request of "
                 "`emu`, supervises the programs inside them and takes them down exactly.\n"
                 "Control socket: $EMU_RUNTIME_DIR/emud.sock (default /run/emu); journals: $EMU_STATE_DIR "
                 "(default /var/lib/emu)."};
    emu::daemon::DaemonOptions options;
    app.add_flag("-f,--foreground", options.foreground, "stay attached and log to stderr");
    app.add_option("--ready-fd", options.ready_fd, "write \"ready\" to this descriptor once serving");
    app.add_option("--log-level", options.log_level, "debug, info, warn or error")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
    CLI11_PARSE(app, argc, argv);
    return emu::daemon::run_daemon(options);
}
