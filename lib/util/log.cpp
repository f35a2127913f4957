#include "lib/util/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>

namespace emu::util {

void init_logging(const std::string& program, const std::string& level) {
    auto logger = spdlog::stderr_logger_mt(program);
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %n %l: %v");
    const char* from_environment = std::getenv("EMU_LOG_LEVEL");
    logger->set_level(spdlog::level::from_str(from_environment != nullptr ? from_environment : level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
}

}  // namespace emu::util
