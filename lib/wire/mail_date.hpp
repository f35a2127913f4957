#pragma once

#include <ctime>
#include <string>

namespace emu::wire {

/// A message's date as RFC 5322 §3.3 writes it, in UTC: "Fri, 27 Nov 2026 07:40:00 +0000"
/// (Date fields, and the end of a Received line, RFC 5321 §4.4).
std::string mail_date(std::time_t when);

}  // namespace emu::wire
