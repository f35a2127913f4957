#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace emu::util {

/// How a program run by run_process ended.
struct ProcessResult {
    int exit_code = -1;  ///< its exit status, or 128 + the signal that ended it
    std::string out;
    std::string err;
    bool timed_out = false;  ///< killed (SIGKILL) because it ran past the timeout
};

/// Runs a program (looked up in PATH) with extra environment and /dev/null as input,
/// collecting its standard output and error; kills it after `timeout`. It runs in
/// `working_directory` when one is given (exit status 127 if it cannot go there).
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment,
                          std::chrono::milliseconds timeout, const std::string& working_directory = {});

}  // namespace emu::util
