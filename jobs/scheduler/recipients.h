// Who a direction's reminder notices go to, from [delivery] and [[contacts]]:
// level 0 the plan's contact, level 1 also the director, level 2 also the
// steering office. A direction without a contact gets <code>@default_domain
// and direction.<code>@default_domain.
//
// Pure functions of the options: thread-safe, nothing borrowed beyond the
// call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jobs/options.h"

namespace jalon::jobs {

std::vector<std::string> Recipients(const DeliveryOptions& delivery, const std::string& code,
                                    int32_t level);

// The direction's own webhook URL, else the default one (may be empty).
std::string WebhookOf(const DeliveryOptions& delivery, const std::string& code);

}  // namespace jalon::jobs
