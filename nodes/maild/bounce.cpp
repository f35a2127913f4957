#include "nodes/maild/bounce.hpp"

#include <fmt/format.h>

#include "lib/wire/mail_date.hpp"

namespace emu::mail {

std::string bounce_message(const std::string& hostname, const std::string& sender,
                           const std::vector<std::pair<std::string, std::string>>& failures,
                           const std::string& returned_message, std::time_t now) {
    auto text = fmt::format("From: Mail Delivery System <MAILER-DAEMON@{}>\r\nTo: <{}>\r\n"
                            "Subject: Undelivered Mail Returned to Sender\r\nDate: {}\r\nAuto-Submitted: auto-replied\r\n"
                            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                            "This is emu-maild at {}. The message whose header is below could not be\r\n"
                            "delivered to every recipient:\r\n\r\n",
                            hostname, sender, wire::mail_date(now), hostname);
    for (const auto& [recipient, why] : failures) text += fmt::format("  <{}>: {}\r\n", recipient, why);
    text += "\r\n--- The header of the returned message ---\r\n\r\n";
    auto end = returned_message.find("\r\n\r\n");
    text += end == std::string::npos ? returned_message : returned_message.substr(0, end + 2);
    if (!text.ends_with("\r\n")) text += "\r\n";
    return text;
}

}  // namespace emu::mail
