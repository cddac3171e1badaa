// `jalon person add|edit|grant|revoke|password|deactivate|reactivate|list`:
// the people of a city (DESIGN.md, "People, sign-in…"), and
// `jalon orientations list|define|retire`: the city's political orientations
// that `steering` validates the axes against; both as PeopleCommand runs
// them on the backend. A password is read from the terminal with echo
// off, or from standard input with --password-stdin; never from an argument,
// which any user of the machine could read in the process list.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "tools/cli/verbs.h"

namespace jalon::cli {
namespace {

// One line from /dev/tty without echo; nullopt if there is no terminal.
std::optional<std::string> Prompt(const std::string& question) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) return std::nullopt;
  const int fd = fileno(tty);
  termios before{};
  const bool is_tty = tcgetattr(fd, &before) == 0;
  if (is_tty) {
    termios silent = before;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &silent);
  }
  std::fputs(question.c_str(), tty);
  std::fflush(tty);
  std::string line;
  for (int c = std::fgetc(tty); c != EOF && c != '\n'; c = std::fgetc(tty))
    line += static_cast<char>(c);
  if (is_tty) tcsetattr(fd, TCSAFLUSH, &before);
  std::fputc('\n', tty);
  std::fclose(tty);
  return line;
}

Result<std::string> ReadPassword(bool from_stdin) {
  if (from_stdin) {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return Status::InvalidArgument("standard input: give the password");
    return line;
  }
  auto first = Prompt("Nouveau mot de passe : ");
  if (!first)
    return Status::InvalidArgument(
        "no terminal to ask the password on: use --password-stdin, e.g. "
        "jalon person password LOGIN --password-stdin < file");
  auto second = Prompt("Confirmez-le : ");
  if (!second || *first != *second)
    return Status::InvalidArgument("the two passwords differ; nothing was changed");
  return *first;
}

std::string PeopleText(const Json& j) {
  std::string out;
  for (const Json& p : j["people"]) {
    std::string roles;
    for (const Json& r : p["roles"]) roles += (roles.empty() ? "" : ",") + r.get<std::string>();
    out += p.value("login", "") + "  " + p.value("name", "") + "  <" + p.value("email", "") +
           ">  " + (roles.empty() ? "-" : roles) +
           (p.value("active", true) ? "" : "  (désactivé)") +
           (p.value("has_password", false) ? "" : "  (sans mot de passe)") + "\n";
  }
  return out.empty() ? "no person yet\n" : out;
}

std::string DoneText(const Json& j) {
  if (j.value("replayed", false)) return "already done (replayed)\n";
  std::string out;
  for (const Json& e : j["events"])
    out += e.value("type", "") + " at position " + std::to_string(e.value("position", 0)) + "\n";
  return out;
}

std::string OrientationsText(const Json& j) {
  std::string out;
  for (const Json& o : j["orientations"]) {
    out += o.value("id", "") + "  " + o.value("title", "");
    if (o.value("retired", false)) {
      const std::string reason = o.value("reason", "");
      out += reason.empty() ? "  (retirée)" : "  (retirée : " + reason + ")";
    }
    out += "\n";
  }
  return out.empty() ? "no orientation yet: an axis may be validated against any text\n" : out;
}

}  // namespace

Verb PersonVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string login, name, email, role, command_id;
    std::vector<std::string> roles;
    bool password_stdin = false;
  };
  auto f = std::make_shared<Flags>();
  auto* person = AddVerbGroup(app, "person", "The people who sign in: add, edit, roles, passwords");
  AddCommon(person, common, CommonUse{false, true});
  // --data, --url, --token and --json may follow the subcommand too.
  auto login = [f](CLI::App* c) {
    c->fallthrough();
    c->add_option("login", f->login, "The person's login (a-z, 0-9, '.', '_', '-')")->required();
    c->add_option("--command-id", f->command_id,
                  "Idempotency key: the same id again appends nothing (retries)");
  };
  auto* add = person->add_subcommand("add", "Register a person (then set their password)");
  login(add);
  add->add_option("--name", f->name, "Display name, as the history shows it")->required();
  add->add_option("--email", f->email, "Email address")->required();
  add->add_option("--role", f->roles,
                  "A role, repeatable: admin, steering, auditor, direction:CODE, reader:CODE");
  auto* edit = person->add_subcommand("edit", "Change a person's name or email");
  login(edit);
  edit->add_option("--name", f->name, "New display name");
  edit->add_option("--email", f->email, "New email address");
  auto* grant = person->add_subcommand("grant", "Give a person a role");
  auto* revoke = person->add_subcommand("revoke", "Take a role from a person");
  for (auto* c : {grant, revoke}) {
    login(c);
    c->add_option("role", f->role, "admin, steering, auditor, direction:CODE or reader:CODE")
        ->required();
  }
  auto* password = person->add_subcommand(
      "password", "Set a person's password, asked on the terminal (or --password-stdin)");
  login(password);
  password->add_flag("--password-stdin", f->password_stdin,
                     "Read the password from the first line of standard input");
  auto* deactivate =
      person->add_subcommand("deactivate", "Deactivate a person: their sessions end at once");
  login(deactivate);
  auto* reactivate = person->add_subcommand("reactivate", "Reactivate a deactivated person");
  login(reactivate);
  auto* list = person->add_subcommand("list", "List the people, their roles and state");
  list->fallthrough();

  return {person, [=, &common] {
            const std::string verb = "person " + person->get_subcommands().front()->get_name();
            if (list->parsed()) {
              return OnBackend(verb, common, [&](Backend& b) {
                return PrintResult(verb, b.People(), common.json, PeopleText);
              });
            }
            Json data = {{"login", f->login}};
            std::string type;
            if (add->parsed()) {
              type = "RegisterPerson";
              data["name"] = f->name;
              data["email"] = f->email;
              data["roles"] = f->roles;
            } else if (edit->parsed()) {
              type = "EditPerson";
              if (!edit->get_option("--name")->empty()) data["name"] = f->name;
              if (!edit->get_option("--email")->empty()) data["email"] = f->email;
            } else if (grant->parsed() || revoke->parsed()) {
              type = grant->parsed() ? "GrantRole" : "RevokeRole";
              data["role"] = f->role;
            } else if (password->parsed()) {
              type = "SetPassword";
              auto secret = ReadPassword(f->password_stdin);
              if (!secret.ok()) return Fail(verb, secret.status());
              data["password"] = *secret;
            } else {
              type = deactivate->parsed() ? "DeactivatePerson" : "ReactivatePerson";
            }
            Json command = {{"type", type}, {"data", std::move(data)}};
            if (!f->command_id.empty()) command["command_id"] = f->command_id;
            return OnBackend(verb, common, [&](Backend& b) {
              return PrintResult(verb, b.PeopleCommand(command), common.json, DoneText);
            });
          }};
}

Verb OrientationsVerb(CLI::App& app, CommonOptions& common) {
  struct Flags {
    std::string id, title, reason, command_id;
  };
  auto f = std::make_shared<Flags>();
  auto* group =
      AddVerbGroup(app, "orientations",
                   "The city's political orientations, which steering validates each axis against "
                   "(admin): list, define, retire");
  AddCommon(group, common, CommonUse{false, true});
  // --data, --url, --token and --json may follow the subcommand too.
  auto command_id = [f](CLI::App* c) {
    c->fallthrough();
    c->add_option("--command-id", f->command_id,
                  "Idempotency key: the same id again appends nothing (retries)");
  };
  auto* list = group->add_subcommand(
      "list", "List the orientations, retired ones included (any signed-in reader)");
  list->fallthrough();
  auto* define = group->add_subcommand(
      "define", "Define an orientation: an axis's validation must then name a live one");
  command_id(define);
  define
      ->add_option("--id", f->id,
                   "Its identifier, e.g. O1 (1 to 64 of letters, digits, '.', '_', '-')")
      ->required();
  define
      ->add_option("--title", f->title,
                   "Its wording, as a validation names it (unique among the live ones)")
      ->required();
  auto* retire = group->add_subcommand(
      "retire",
      "Retire an orientation (e.g. at a new mandate): axes validated against it keep its "
      "title; new validations may no longer name it");
  command_id(retire);
  retire->add_option("id", f->id, "The orientation's identifier")->required();
  retire->add_option("--reason", f->reason, "Why it is retired");

  return {group, [=, &common] {
            const std::string verb = "orientations " + group->get_subcommands().front()->get_name();
            if (list->parsed()) {
              return OnBackend(verb, common, [&](Backend& b) {
                return PrintResult(verb, b.Orientations(), common.json, OrientationsText);
              });
            }
            Json data = {{"id", f->id}};
            std::string type;
            if (define->parsed()) {
              type = "DefineOrientation";
              data["title"] = f->title;
            } else {
              type = "RetireOrientation";
              if (!retire->get_option("--reason")->empty()) data["reason"] = f->reason;
            }
            Json command = {{"type", type}, {"data", std::move(data)}};
            if (!f->command_id.empty()) command["command_id"] = f->command_id;
            return OnBackend(verb, common, [&](Backend& b) {
              return PrintResult(verb, b.PeopleCommand(command), common.json, DoneText);
            });
          }};
}

}  // namespace jalon::cli
