// Readable text (in French, for the staff who read it) for what the CLI
// prints without --json. Pure functions of the service's JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace jalon::cli {

std::string PlanText(const nlohmann::json& show);
std::string DashboardText(const nlohmann::json& dashboard);
std::string HistoryText(const nlohmann::json& history);
std::string DiffText(const nlohmann::json& diff);
std::string EventsText(const nlohmann::json& append_result);
// {direction, occurrences: [...]} of Scheduler::Schedule.
std::string ScheduleText(const nlohmann::json& schedule);
// {direction, reminders: [...]} of Scheduler::Reminders.
std::string RemindersText(const nlohmann::json& reminders);
// The audit flags (jobs::AuditFlags).
std::string AuditText(const nlohmann::json& audit);
// An explained figure (jobs::ExplainFigure).
std::string ExplainText(const nlohmann::json& explained);
// The summary of Simulate.
std::string SimulationText(const nlohmann::json& summary);

}  // namespace jalon::cli
