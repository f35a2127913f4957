#include "lib/wire/http_date.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace emu::wire {
namespace {

namespace chrono = std::chrono;

constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays{"Sunday", "Monday", "Tuesday", "Wednesday",
                                                    "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Reads the parts of a date from the front of its text; the first mismatch sticks, so a
// format is read in a run and checked once.
class DateReader {
public:
    explicit DateReader(std::string_view text) : rest_(text) {}

    bool failed() const { return failed_; }
    bool done() const { return !failed_ && rest_.empty(); }
    bool next_is(char c) const { return !failed_ && !rest_.empty() && rest_.front() == c; }

    void literal(std::string_view expected) {
        if (failed_ || rest_.substr(0, expected.size()) != expected) {
            failed_ = true;
            return;
        }
        rest_.remove_prefix(expected.size());
    }

    // Exactly `count` digits.
    int number(std::size_t count) {
        int value = 0;
        for (std::size_t i = 0; i < count && !failed_; ++i) {
            if (rest_.empty() || rest_.front() < '0' || rest_.front() > '9') {
                failed_ = true;
                break;
            }
            value = value * 10 + (rest_.front() - '0');
            rest_.remove_prefix(1);
        }
        return value;
    }

    // One of `names`: its index.
    template <std::size_t N>
    int name(const std::array<std::string_view, N>& names) {
        for (std::size_t i = 0; i < N && !failed_; ++i) {
            if (rest_.substr(0, names[i].size()) == names[i]) {
                rest_.remove_prefix(names[i].size());
                return static_cast<int>(i);
            }
        }
        failed_ = true;
        return 0;
    }

private:
    std::string_view rest_;
    bool failed_ = false;
};

struct TimeOfDay {
    int hour = 0;
    int minute = 0;
    int second = 0;
};

// time-of-day = hour ":" minute ":" second, two digits each.
TimeOfDay time_of_day(DateReader& reader) {
    TimeOfDay time;
    time.hour = reader.number(2);
    reader.literal(":");
    time.minute = reader.number(2);
    reader.literal(":");
    time.second = reader.number(2);
    return time;
}

std::optional<chrono::system_clock::time_point> to_time(const DateReader& reader, int year, int month, int day,
                                                       const TimeOfDay& time) {
    // A second of 60 is a leap second (RFC 9110 §5.6.7 allows it); it counts as the next.
    if (!reader.done() || time.hour > 23 || time.minute > 59 || time.second > 60) return std::nullopt;
    chrono::year_month_day date{chrono::year{year}, chrono::month{static_cast<unsigned>(month + 1)},
                                chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok()) return std::nullopt;
    auto seconds = chrono::sys_seconds(chrono::sys_days(date)) + chrono::hours(time.hour) + chrono::minutes(time.minute) +
                   chrono::seconds(time.second);
    // Compared in seconds: the clock's own unit (nanoseconds) would overflow.
    constexpr auto kEarliest = chrono::duration_cast<chrono::seconds>(chrono::system_clock::duration::min()) + chrono::seconds(1);
    constexpr auto kLatest = chrono::duration_cast<chrono::seconds>(chrono::system_clock::duration::max()) - chrono::seconds(1);
    if (seconds.time_since_epoch() < kEarliest || seconds.time_since_epoch() > kLatest) return std::nullopt;
    return chrono::time_point_cast<chrono::system_clock::duration>(seconds);
}

// IMF-fixdate, after the day's name: "," SP day SP month SP year SP time-of-day SP "GMT".
std::optional<chrono::system_clock::time_point> imf_fixdate(DateReader& reader) {
    reader.literal(", ");
    int day = reader.number(2);
    reader.literal(" ");
    int month = reader.name(kMonths);
    reader.literal(" ");
    int year = reader.number(4);
    reader.literal(" ");
    auto time = time_of_day(reader);
    reader.literal(" GMT");
    return to_time(reader, year, month, day, time);
}

// rfc850-date, after the day's full name: "," SP day "-" month "-" 2DIGIT SP time-of-day SP
// "GMT". RFC 9110 §5.6.7: a year that seems more than 50 years ahead is the most recent
// past one with the same two digits.
std::optional<chrono::system_clock::time_point> rfc850_date(DateReader& reader, chrono::system_clock::time_point now) {
    reader.literal(", ");
    int day = reader.number(2);
    reader.literal("-");
    int month = reader.name(kMonths);
    reader.literal("-");
    int two_digits = reader.number(2);
    reader.literal(" ");
    auto time = time_of_day(reader);
    reader.literal(" GMT");
    int this_year = static_cast<int>(chrono::year_month_day(chrono::floor<chrono::days>(now)).year());
    int year = this_year - this_year % 100 + two_digits;
    if (year > this_year + 50) year -= 100;
    if (year + 100 <= this_year + 50) year += 100;
    return to_time(reader, year, month, day, time);
}

// asctime-date, after the day's name: SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day
// SP year.
std::optional<chrono::system_clock::time_point> asctime_date(DateReader& reader) {
    reader.literal(" ");
    int month = reader.name(kMonths);
    reader.literal(" ");
    int day = 0;
    if (reader.next_is(' ')) {
        reader.literal(" ");
        day = reader.number(1);
    } else {
        day = reader.number(2);
    }
    reader.literal(" ");
    auto time = time_of_day(reader);
    reader.literal(" ");
    int year = reader.number(4);
    return to_time(reader, year, month, day, time);
}

}  // namespace

std::string http_date(std::chrono::system_clock::time_point time) {
    auto seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                  kDays[static_cast<std::size_t>(utc.tm_wday)].data(), utc.tm_mday,
                  kMonths[static_cast<std::size_t>(utc.tm_mon)].data(), utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                  utc.tm_sec);
    return text;
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text,
                                                                     std::chrono::system_clock::time_point now) {
    // The three formats differ from the day's name on: RFC 850 spells it out, the
    // IMF-fixdate follows it with a comma, asctime with a space.
    DateReader long_name(text);
    long_name.name(kLongDays);
    if (!long_name.failed()) return rfc850_date(long_name, now);
    DateReader reader(text);
    reader.name(kDays);
    if (reader.next_is(',')) return imf_fixdate(reader);
    return asctime_date(reader);
}

}  // namespace emu::wire
