#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace emu::wire {

/// An HTTP-date in the preferred format (RFC 9110 §5.6.7), the IMF-fixdate:
/// "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::chrono::system_clock::time_point time);

/// Reads an HTTP-date in any of the three formats RFC 9110 §5.6.7 tells a recipient to
/// accept: the IMF-fixdate, the obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" and
/// asctime's "Sun Nov  6 08:49:37 1994". RFC 850's two-digit year is the latest year with
/// those digits not more than 50 years after `now`'s. Case-sensitive, as the grammar is;
/// nullopt for anything else, for a day the month does not have, and for a date the clock
/// cannot hold (before 1678 or after 2261).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text,
                                                                     std::chrono::system_clock::time_point now);

}  // namespace emu::wire
