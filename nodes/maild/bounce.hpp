#pragma once

#include <ctime>
#include <string>
#include <utility>
#include <vector>

namespace emu::mail {

/// The message a server returns to the sender of mail it could not deliver: from the mail
/// delivery system, marked as automatic (RFC 3834 §5), naming each recipient it failed and
/// why, with the returned message's header. It goes out with the null reverse path, so that
/// it can never bounce in turn (RFC 5321 §4.5.5, §6.1).
std::string bounce_message(const std::string& hostname, const std::string& sender,
                           const std::vector<std::pair<std::string, std::string>>& failures,
                           const std::string& returned_message, std::time_t now);

}  // namespace emu::mail
