// fmt's and spdlog's out-of-line functions, compiled once into our own static library
// (emu_fmt_spdlog) instead of taken from Debian's libfmt.so and libspdlog.so.
//
// Why: the node programs are linked statically (docs/design.md, "Static node programs"),
// and Debian ships no static archive of either library. Both libraries support this
// split: with SPDLOG_COMPILED_LIB and without FMT_HEADER_ONLY their headers only declare
// these functions, and the *-inl.h headers included here define them. Every other file
// of ours includes the ordinary headers; emu_fmt_spdlog's public compile definitions keep
// them in the same mode as this file.

#include <mutex>

#include <fmt/format-inl.h>

#include <spdlog/common-inl.h>
#include <spdlog/details/backtracer-inl.h>
#include <spdlog/details/log_msg-inl.h>
#include <spdlog/details/log_msg_buffer-inl.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/details/os-inl.h>
#include <spdlog/details/periodic_worker-inl.h>
#include <spdlog/details/registry-inl.h>
#include <spdlog/logger-inl.h>
#include <spdlog/pattern_formatter-inl.h>
#include <spdlog/sinks/ansicolor_sink-inl.h>
#include <spdlog/sinks/base_sink-inl.h>
#include <spdlog/sinks/sink-inl.h>
#include <spdlog/sinks/stdout_color_sinks-inl.h>
#include <spdlog/sinks/stdout_sinks-inl.h>
#include <spdlog/spdlog-inl.h>

// The templates that fmt's and spdlog's headers declare `extern` (or leave undefined) for
// the types we use: fmt's locale hooks for char, the sink base our own sinks derive from
// (with and without a lock), and the console loggers and sinks.
FMT_BEGIN_NAMESPACE
namespace detail {
template FMT_API locale_ref::locale_ref(const std::locale&);
template FMT_API auto locale_ref::get<std::locale>() const -> std::locale;
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
}  // namespace detail
FMT_END_NAMESPACE

namespace spdlog {
template class sinks::base_sink<std::mutex>;
template class sinks::base_sink<details::null_mutex>;

template class sinks::stdout_sink_base<details::console_mutex>;
template class sinks::stdout_sink_base<details::console_nullmutex>;
template class sinks::stdout_sink<details::console_mutex>;
template class sinks::stdout_sink<details::console_nullmutex>;
template class sinks::stderr_sink<details::console_mutex>;
template class sinks::stderr_sink<details::console_nullmutex>;

template std::shared_ptr<logger> stdout_logger_mt<synchronous_factory>(const std::string&);
template std::shared_ptr<logger> stdout_logger_st<synchronous_factory>(const std::string&);
template std::shared_ptr<logger> stderr_logger_mt<synchronous_factory>(const std::string&);
template std::shared_ptr<logger> stderr_logger_st<synchronous_factory>(const std::string&);
}  // namespace spdlog
