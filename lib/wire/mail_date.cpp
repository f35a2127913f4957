#include "lib/wire/mail_date.hpp"

#include <array>

#include <fmt/format.h>

namespace emu::wire {

std::string mail_date(std::time_t when) {
    static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm time{};
    ::gmtime_r(&when, &time);
    return fmt::format("{}, {} {} {} {:02}:{:02}:{:02} +0000", kDays[static_cast<std::size_t>(time.tm_wday)], time.tm_mday,
                       kMonths[static_cast<std::size_t>(time.tm_mon)], time.tm_year + 1900, time.tm_hour, time.tm_min,
                       time.tm_sec);
}

}  // namespace emu::wire
