// The sections of jalon.toml, read by the files that share config.cc's work:
// jobs_sections.cc reads the settings of jobs/ ([cycle], [reminders],
// [delivery], [[contacts]]), tenants.cc the [[tenants]] of a main file and
// the cities' own files. Each fills *out from a table already known to be
// one, and reports a wrong key, type or value as InvalidArgument naming the
// key and its line (toml_reader.h).
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "engine/util/status.h"
#include "jobs/options.h"

namespace jalon::config_internal {

// [cycle]: the review dates, the hour the jobs fire at, the catch-up window.
Status ReadCycle(std::string_view source, const toml::table& cycle, jobs::CycleOptions* out);

// [reminders]: the grace periods and the escalation delays.
Status ReadReminders(std::string_view source, const toml::table& t, jobs::ReminderOptions* out);

// [delivery] and [delivery.smtp]: the channel and what it needs.
Status ReadDelivery(std::string_view source, const toml::table& t, jobs::DeliveryOptions* out);

// [[contacts]]: one per direction, appended to *out.
Status ReadContacts(std::string_view source, const toml::node& node,
                    std::vector<jobs::Contact>* out);

// [auth.ldap] of the [auth] table `auth`, checked as LdapChecker::FromConfig
// does; *out is left alone without it.
Status ReadAuthLdap(std::string_view source, const toml::table& auth, auth::LdapOptions* out);

// [[tenants]] of the main file: ids and files, checked, not yet loaded.
// Relative files are resolved against the directory of `source`.
Status ReadTenants(std::string_view source, const toml::node& node, std::vector<TenantRef>* out);

// Loads each city's file listed in main->tenant_files into main->tenants,
// and checks what the cities must not share.
Status LoadTenants(Config* main);

// The whole of the file at `path`; NotFound if it cannot be read.
Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace jalon::config_internal
