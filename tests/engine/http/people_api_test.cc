// People, sign-in and sessions over real HTTP on 127.0.0.1 (engine/people,
// engine/http/people_api.h, sessions.h): the people commands' rules with
// their French messages, who may run them, the cookie and its CSRF token,
// failed sign-ins and their throttling, the security stream, the end of
// sessions, the password's absence from the data directory, and the role x
// command matrix over every command type, people commands included.
#include "engine/http/people_api.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "engine/http/auth.h"
#include "engine/http/http_server.h"
#include "engine/http/plan_api.h"
#include "engine/plan/command.h"
#include "tests/engine/plan/plan_fixture.h"
#include "tests/net_util.h"

namespace jalon::http {
namespace {

constexpr const char* kPassword = "Correct-horse-42-battery";

using Raw = testing::HttpReply;

// The jalon_session value of an answer's Set-Cookie.
std::string CookieOf(const Raw& r) {
  const std::string set = r.Header("set-cookie");
  const size_t eq = set.find('=');
  return set.substr(eq + 1, set.find(';') - eq - 1);
}

Raw Send(uint16_t port, const std::string& method, const std::string& target,
         const std::string& headers, const std::string& body = {}) {
  return testing::SendRequest(port, method, target, headers, body);
}

std::string Bearer(const std::string& role) {
  return "Authorization: Bearer token-" + role + "\r\n";
}
std::string WithCookie(const std::string& id, const std::string& csrf = {}) {
  return "Cookie: theme=dark; jalon_session=" + id + "\r\n" +
         (csrf.empty() ? "" : "X-CSRF-Token: " + csrf + "\r\n");
}

// A cheap argon2id for tests: the rules and the encoding are the same.
constexpr Argon2Params kTestParams{1, 1024, 1};

class PeopleApiTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    ImportExample();
    Serve();
  }
  void TearDown() override { Stop(); }

  void Stop() {
    if (api_) api_->Shutdown();
    server_.reset();
    people_api_.reset();
    people_.reset();
  }

  void Serve() {
    people_ = std::make_unique<PeopleService>(*log_, clock_, kTestParams);
    ASSERT_TRUE(people_->Load().ok());
    PeopleApiOptions options;
    options.throttle.delay_step = std::chrono::milliseconds(1);
    options.now = [this] { return now_; };
    people_api_ = std::make_unique<PeopleApi>(*people_, options);
    std::vector<TokenEntry> tokens;
    for (const char* role : {"admin", "steering", "auditor", "direction:DEJ", "reader:DEJ"})
      tokens.push_back({role, role, Sha256(std::string("token-") + role)});
    auth_ = std::make_unique<Authenticator>(std::move(tokens), false, people_api_.get());
    PlanApiOptions api_options;
    PeopleApi* people_api = people_api_.get();
    api_options.people_commands = [people_api](const Request& req, const Json& body,
                                               const Principal& who, Reply reply) {
      people_api->ExecuteCommand(req, body, who, std::move(reply));
    };
    PeopleService* people = people_.get();
    api_options.actor_name = [people](std::string_view a) { return people->DisplayName(a); };
    api_options.live_orientations = [people] { return people->LiveOrientationTitles(); };
    router_ = std::make_unique<Router>();
    api_ = std::make_unique<PlanApi>(*service_, *log_, *auth_, api_options);
    api_->Register(*router_);
    people_api_->Register(*router_, *auth_);
    ServerOptions server_options;
    server_options.port = 0;
    server_ = std::make_unique<HttpServer>(
        server_options, [this](const Request& req, Reply reply) { router_->Dispatch(req, reply); });
    ASSERT_TRUE(server_->Start().ok());
  }

  uint16_t port() const { return server_->port(); }
  Raw Command(const std::string& headers, const Json& body) {
    return Send(port(), "POST", "/v1/commands", headers, body.dump());
  }
  Raw AsAdmin(const std::string& type, const Json& data) {
    return Command(Bearer("admin"), {{"type", type}, {"data", data}});
  }
  Raw SignIn(const std::string& login, const std::string& password) {
    return Send(port(), "POST", "/v1/session", "Content-Type: application/json\r\n",
                Json{{"login", login}, {"password", password}}.dump());
  }
  // Registers `login` with `roles` and kPassword.
  void AddPerson(const std::string& login, const std::string& name, Json roles) {
    ASSERT_EQ(
        AsAdmin(
            "RegisterPerson",
            {{"login", login}, {"name", name}, {"email", login + "@ville.fr"}, {"roles", roles}})
            .status,
        201);
    ASSERT_EQ(AsAdmin("SetPassword", {{"login", login}, {"password", kPassword}}).status, 201);
  }
  std::vector<Event> Stream(std::string_view stream) {
    return log_->ReadStream(stream, 1, 1000).value();
  }

  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
  std::unique_ptr<PeopleService> people_;
  std::unique_ptr<PeopleApi> people_api_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<PlanApi> api_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(PeopleApiTest, BadPeopleCommandsNameTheFieldInEnglishAndFrenchAndAppendNothing) {
  AddPerson("c.durand", "Camille Durand", Json::array({"admin"}));
  const uint64_t head = Head();
  struct Case {
    std::string type;
    Json data;
    int status;
    std::string field;
    std::string fr;  // a part of message_fr
  };
  const std::vector<Case> cases = {
      {"EditPerson", {{"login", "nobody"}, {"name", "X"}}, 404, "data.login", "Aucune personne"},
      {"RegisterPerson",
       {{"login", "c.durand"}, {"name", "B"}, {"email", "b@ville.fr"}, {"roles", Json::array()}},
       409,
       "data.login",
       "déjà pris"},
      {"SetPassword",
       {{"login", "c.durand"}, {"password", "court1!"}},
       400,
       "data.password",
       "trop court"},
      {"SetPassword",
       {{"login", "c.durand"}, {"password", "xx-c.durand-2016"}},
       400,
       "data.password",
       "identifiant"},
      {"SetPassword",
       {{"login", "c.durand"}, {"password", "abcdefghijklmnop"}},
       400,
       "data.password",
       "deux sortes"},
      {"RegisterPerson",
       {{"login", "b.martin"}, {"name", "B"}, {"email", "b@ville.fr"}, {"roles", {"maire"}}},
       400,
       "data.roles[0]",
       "Rôle inconnu"},
      {"GrantRole",
       {{"login", "c.durand"}, {"role", "direction:dej"}},
       400,
       "data.role",
       "Rôle inconnu"},
      {"RegisterPerson",
       {{"login", "b.martin"},
        {"name", "B"},
        {"email", "pas-une-adresse"},
        {"roles", Json::array()}},
       400,
       "data.email",
       "adresse électronique"},
      {"RevokeRole",
       {{"login", "c.durand"}, {"role", "admin"}},
       400,
       "data.role",
       "dernier administrateur"},
      {"DeactivatePerson", {{"login", "c.durand"}}, 400, "data.login", "dernier administrateur"},
      {"RegisterPerson",
       {{"login", "B"}, {"name", "B"}, {"email", "b@ville.fr"}, {"roles", Json::array()}},
       400,
       "data.login",
       "Identifiant"},
  };
  for (const Case& c : cases) {
    const Raw r = AsAdmin(c.type, c.data);
    EXPECT_EQ(r.status, c.status) << c.type << " " << c.data << ": " << r.body;
    const Json e = r.json()["error"];
    EXPECT_EQ(e.value("field", ""), c.field) << r.body;
    EXPECT_NE(e.value("message_fr", "").find(c.fr), std::string::npos) << r.body;
    EXPECT_NE(e.value("message", "").find(c.field), std::string::npos) << r.body;
  }
  EXPECT_EQ(Head(), head);
  // With a second admin, the first may lose the role.
  AddPerson("a.admin", "Alix Admin", Json::array({"admin"}));
  EXPECT_EQ(AsAdmin("RevokeRole", {{"login", "c.durand"}, {"role", "admin"}}).status, 201);
}

TEST_F(PeopleApiTest, SignInSetsAStrictCookieAndWhoamiNamesThePerson) {
  AddPerson("c.durand", "Camille Durand", Json::array({"direction:DEJ", "steering"}));
  const Raw r = SignIn("c.durand", kPassword);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string set = r.Header("set-cookie");
  EXPECT_TRUE(set.starts_with("jalon_session=")) << set;
  for (const char* flag : {"; HttpOnly", "; SameSite=Strict", "; Path=/"})
    EXPECT_NE(set.find(flag), std::string::npos) << flag << " in " << set;
  EXPECT_EQ(set.find("Secure"), std::string::npos) << "not over plain HTTP";
  EXPECT_GE(CookieOf(r).size(), 32u) << "at least 128 bits, hex";
  EXPECT_EQ(r.json()["name"], "Camille Durand");
  EXPECT_EQ(r.json()["roles"], Json::array({"direction:DEJ", "steering"}));
  EXPECT_EQ(r.body.find(kPassword), std::string::npos);
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.Header("referrer-policy"), "same-origin");
  const Raw who = Send(port(), "GET", "/v1/whoami", WithCookie(CookieOf(r)));
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(who.json()["display_name"], "Camille Durand");
  EXPECT_EQ(who.json()["kind"], "person");
  EXPECT_EQ(who.json()["csrf_token"], r.json()["csrf_token"]);
  // Behind a TLS proxy, the cookie is Secure.
  const Raw tls = Send(port(), "POST", "/v1/session",
                       "X-Forwarded-Proto: https\r\nContent-Type: application/json\r\n",
                       Json{{"login", "c.durand"}, {"password", kPassword}}.dump());
  EXPECT_NE(tls.Header("set-cookie").find("; Secure"), std::string::npos);
  // What a form of another site can send is refused.
  const Raw form =
      Send(port(), "POST", "/v1/session", "Content-Type: application/x-www-form-urlencoded\r\n",
           Json{{"login", "c.durand"}, {"password", kPassword}}.dump());
  EXPECT_EQ(form.status, 415);
  // Both roles act: steering validates an axis, the direction reports progress.
  const std::string cookie = WithCookie(CookieOf(r), r.json()["csrf_token"]);
  const Raw progress = Command(cookie, Json::parse(R"({"type": "ReportProgress", "data":
      {"direction": "DEJ", "action": "A1.2", "date": "2018-06-30", "percent": 45, "note": ""}})"));
  ASSERT_EQ(progress.status, 201) << progress.body;
  EXPECT_EQ(progress.json()["events"][0]["actor"], "person:c.durand");
  const Raw history =
      Send(port(), "GET", "/v1/plans/DEJ/history?entity=action/A1.2", WithCookie(CookieOf(r)));
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(history.json()["entries"].back()["actor_name"], "Camille Durand");
}

TEST_F(PeopleApiTest, ACookieWriteWithoutTheRightCsrfTokenIsRefusedAndAppendsNothing) {
  AddPerson("c.durand", "Camille Durand", Json::array({"direction:DEJ"}));
  const Raw r = SignIn("c.durand", kPassword);
  ASSERT_EQ(r.status, 201);
  const Json body = Json::parse(R"({"type": "ReportProgress", "data":
      {"direction": "DEJ", "action": "A1.2", "date": "2018-06-30", "percent": 45, "note": ""}})");
  const uint64_t head = Head();
  const std::string wrong(r.json()["csrf_token"].get<std::string>().size(), '0');
  for (const std::string& headers : {WithCookie(CookieOf(r)), WithCookie(CookieOf(r), wrong)}) {
    const Raw refused = Command(headers, body);
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_NE(refused.body.find("X-CSRF-Token"), std::string::npos);
  }
  EXPECT_EQ(Send(port(), "DELETE", "/v1/session", WithCookie(CookieOf(r))).status, 403);
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Command(WithCookie(CookieOf(r), r.json()["csrf_token"]), body).status, 201);
}

TEST_F(PeopleApiTest, SignOutEndsTheSessionAndTheOldCookieNoLongerWorks) {
  AddPerson("c.durand", "Camille Durand", Json::array({"auditor"}));
  const Raw r = SignIn("c.durand", kPassword);
  const std::string csrf = r.json()["csrf_token"];
  ASSERT_EQ(Send(port(), "GET", "/v1/whoami", WithCookie(CookieOf(r))).status, 200);
  const Raw out = Send(port(), "DELETE", "/v1/session", WithCookie(CookieOf(r), csrf));
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_NE(out.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Send(port(), "GET", "/v1/whoami", WithCookie(CookieOf(r))).status, 401);
  EXPECT_EQ(Send(port(), "GET", "/v1/plans/DEJ", WithCookie(CookieOf(r))).status, 401);
  std::vector<std::string> types;
  for (const Event& e : Stream(kSecurityStream)) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"SignedIn", "SignedOut"}));
}

TEST_F(PeopleApiTest, DeactivationAndANewPasswordEndTheSessionsAtOnce) {
  AddPerson("a.admin", "Alix Admin", Json::array({"admin"}));
  AddPerson("c.durand", "Camille Durand", Json::array({"direction:DEJ"}));
  const std::string first = CookieOf(SignIn("c.durand", kPassword));
  EXPECT_EQ(
      AsAdmin("SetPassword", {{"login", "c.durand"}, {"password", "Autre-phrase-2017"}}).status,
      201);
  EXPECT_EQ(Send(port(), "GET", "/v1/whoami", WithCookie(first)).status, 401);
  EXPECT_EQ(SignIn("c.durand", kPassword).status, 401);
  const std::string second = CookieOf(SignIn("c.durand", "Autre-phrase-2017"));
  EXPECT_EQ(Send(port(), "GET", "/v1/whoami", WithCookie(second)).status, 200);
  EXPECT_EQ(AsAdmin("DeactivatePerson", {{"login", "c.durand"}}).status, 201);
  EXPECT_EQ(Send(port(), "GET", "/v1/whoami", WithCookie(second)).status, 401);
  EXPECT_EQ(SignIn("c.durand", "Autre-phrase-2017").status, 401);
  EXPECT_EQ(AsAdmin("ReactivatePerson", {{"login", "c.durand"}}).status, 201);
  EXPECT_EQ(SignIn("c.durand", "Autre-phrase-2017").status, 201);
}

TEST_F(PeopleApiTest, WhoMayRunPeopleCommands) {
  AddPerson("a.admin", "Alix Admin", Json::array({"admin"}));
  AddPerson("c.durand", "Camille Durand", Json::array({"direction:DEJ", "steering"}));
  const Raw me = SignIn("c.durand", kPassword);
  const std::string cookie = WithCookie(CookieOf(me), me.json()["csrf_token"]);
  const Json add = {
      {"type", "RegisterPerson"},
      {"data",
       {{"login", "x.y"}, {"name", "X"}, {"email", "x@ville.fr"}, {"roles", Json::array()}}}};
  for (const char* role : {"steering", "auditor", "direction:DEJ", "reader:DEJ"})
    EXPECT_EQ(Command(Bearer(role), add).status, 403) << role;
  EXPECT_EQ(Command(cookie, add).status, 403);
  const Json other = {{"type", "SetPassword"},
                      {"data", {{"login", "a.admin"}, {"password", "Une-autre-phrase-9"}}}};
  EXPECT_EQ(Command(cookie, other).status, 403) << "another person's password";
  const Json own = {{"type", "SetPassword"},
                    {"data", {{"login", "c.durand"}, {"password", "Une-autre-phrase-9"}}}};
  const Raw set = Command(cookie, own);
  EXPECT_EQ(set.status, 201) << set.body;
  EXPECT_EQ(set.json()["events"][0]["actor"], "person:c.durand");
  EXPECT_EQ(set.body.find("argon2"), std::string::npos) << "no hash in an answer";
  EXPECT_EQ(Send(port(), "GET", "/v1/people", Bearer("steering")).status, 403);
  const Raw list = Send(port(), "GET", "/v1/people", Bearer("admin"));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["people"].size(), 2u);
  EXPECT_EQ(list.body.find("argon2"), std::string::npos);
  // The same command_id again: the first answer, nothing appended.
  const uint64_t head = Head();
  Json again = add;
  again["command_id"] = "add-x";
  EXPECT_EQ(Command(Bearer("admin"), again).status, 201);
  EXPECT_EQ(Command(Bearer("admin"), again).status, 200);
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(PeopleApiTest, OrientationsAreTheCitysAndValidateAxisChoosesAmongTheLiveOnes) {
  const Json validate = {{"direction", "DEJ"},
                         {"axis", "A1"},
                         {"orientation", "Une ville durable"},
                         {"by", "Bureau municipal"},
                         {"date", "2016-05-02"}};
  // No list yet: any text, as before the city kept one.
  EXPECT_EQ(Command(Bearer("steering"), {{"type", "ValidateAxis"}, {"data", validate}}).status,
            201);
  const Json define = {{"type", "DefineOrientation"},
                       {"data", {{"id", "O1"}, {"title", "Moderniser la relation à l'usager"}}}};
  EXPECT_EQ(Command(Bearer("steering"), define).status, 403);
  EXPECT_EQ(Command(Bearer("steering"), define).json()["error"]["message_fr"],
            "Seul un administrateur peut gérer les orientations politiques");
  ASSERT_EQ(Command(Bearer("admin"), define).status, 201);
  const Raw twice = Command(Bearer("admin"), define);
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(twice.json()["error"]["field"], "data.id");
  const Raw blank = AsAdmin("DefineOrientation", {{"id", "O2"}, {"title", " "}});
  EXPECT_EQ(blank.status, 400);
  EXPECT_EQ(blank.json()["error"]["field"], "data.title");
  ASSERT_EQ(AsAdmin("DefineOrientation", {{"id", "O2"}, {"title", "Une ville durable"}}).status,
            201);

  const uint64_t head = Head();
  Json other = validate;
  other["orientation"] = "Une orientation d'un autre mandat";
  const Raw refused = Command(Bearer("steering"), {{"type", "ValidateAxis"}, {"data", other}});
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.json()["error"]["field"], "orientation");
  EXPECT_EQ(refused.json()["error"]["message_fr"],
            "doit être l'une des orientations politiques de la ville : 'Moderniser la relation "
            "à l'usager', 'Une ville durable'");
  EXPECT_EQ(Head(), head) << "a refusal appends nothing";
  EXPECT_EQ(Command(Bearer("steering"), {{"type", "ValidateAxis"}, {"data", validate}}).status,
            201);

  const Raw retire = AsAdmin("RetireOrientation", {{"id", "O2"}, {"reason", "Nouveau mandat"}});
  ASSERT_EQ(retire.status, 201) << retire.body;
  EXPECT_EQ(AsAdmin("RetireOrientation", {{"id", "O2"}}).json()["error"]["field"], "data.id");
  EXPECT_EQ(Command(Bearer("steering"), {{"type", "ValidateAxis"}, {"data", validate}}).status, 400)
      << "a retired orientation validates no more";
  // Any signed-in reader sees the list, retired ones included; the plan
  // still reads the validation made against the retired one.
  const Raw list = Send(port(), "GET", "/v1/orientations", Bearer("reader:DEJ"));
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json()["orientations"].size(), 2u);
  EXPECT_EQ(list.json()["orientations"][1]["retired"], true);
  EXPECT_EQ(list.json()["orientations"][1]["reason"], "Nouveau mandat");
  EXPECT_EQ(Send(port(), "GET", "/v1/orientations", "").status, 401);
  const Raw plan = Send(port(), "GET", "/v1/plans/DEJ", Bearer("reader:DEJ"));
  EXPECT_NE(plan.body.find("Une ville durable"), std::string::npos);
  EXPECT_EQ(Stream("city").size(), 3u);

  // The list comes back from the log.
  Stop();
  Serve();
  EXPECT_EQ(people_->LiveOrientationTitles(),
            std::vector<std::string>{"Moderniser la relation à l'usager"});
}

TEST_F(PeopleApiTest, FailedSignInsAnswerAlikeAreRecordedAndAreThrottledTo429) {
  AddPerson("c.durand", "Camille Durand", Json::array({"auditor"}));
  const Raw unknown = SignIn("nobody", kPassword);
  const Raw wrong = SignIn("c.durand", "Not-the-password-1");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.body, wrong.body) << "the answer does not tell whether the login exists";
  EXPECT_NE(wrong.json()["error"]["message_fr"].get<std::string>().find("incorrect"),
            std::string::npos);
  Raw last;
  for (int i = 0; i < 12 && last.status != 429; ++i) last = SignIn("c.durand", "Wrong-again-123");
  ASSERT_EQ(last.status, 429) << last.body;
  EXPECT_GE(std::stoi(last.Header("retry-after")), 1);
  EXPECT_EQ(SignIn("c.durand", kPassword).status, 429) << "even the right password, for now";
  now_ += std::chrono::minutes(16);
  EXPECT_EQ(SignIn("c.durand", kPassword).status, 201) << "once the window has passed";
  size_t failed = 0;
  for (const Event& e : Stream(kSecurityStream)) {
    failed += e.type == "SignInFailed";
    EXPECT_EQ(e.payload.find("Wrong-again"), std::string::npos);
  }
  EXPECT_GE(failed, 11u);
}

TEST_F(PeopleApiTest, SessionsEndWhenIdleAndAtTheirLifetime) {
  AddPerson("c.durand", "Camille Durand", Json::array({"auditor"}));
  const std::string a = CookieOf(SignIn("c.durand", kPassword));
  now_ += std::chrono::minutes(29);
  EXPECT_EQ(Send(port(), "GET", "/v1/whoami", WithCookie(a)).status, 200);
  now_ += std::chrono::minutes(31);
  EXPECT_EQ(Send(port(), "GET", "/v1/whoami", WithCookie(a)).status, 401) << "idle";
  const std::string b = CookieOf(SignIn("c.durand", kPassword));
  for (int i = 0; i < 25; ++i) {  // used every 29 minutes, for 12 hours
    now_ += std::chrono::minutes(29);
    if (Send(port(), "GET", "/v1/whoami", WithCookie(b)).status != 200) break;
  }
  EXPECT_EQ(Send(port(), "GET", "/v1/whoami", WithCookie(b)).status, 401) << "lifetime";
}

TEST_F(PeopleApiTest, PeopleComeBackFromTheLogAfterARestart) {
  AddPerson("c.durand", "Camille Durand", Json::array({"direction:DEJ"}));
  ASSERT_EQ(AsAdmin("GrantRole", {{"login", "c.durand"}, {"role", "reader:DRH"}}).status, 201);
  ASSERT_EQ(AsAdmin("EditPerson", {{"login", "c.durand"}, {"name", "Camille Durand-Roy"}}).status,
            201);
  Stop();
  Reopen();
  Serve();
  const std::optional<Person> p = people_->Find("c.durand");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "Camille Durand-Roy");
  EXPECT_EQ(p->roles, (std::vector<std::string>{"direction:DEJ", "reader:DRH"}));
  EXPECT_EQ(SignIn("c.durand", kPassword).status, 201);
}

TEST_F(PeopleApiTest, ThePasswordAppearsNowhereInTheDataDirectory) {
  AddPerson("c.durand", "Camille Durand", Json::array({"direction:DEJ"}));
  ASSERT_EQ(SignIn("c.durand", kPassword).status, 201);
  ASSERT_EQ(SignIn("nobody", kPassword).status, 401);
  Stop();
  service_.reset();
  projections_.reset();
  log_.reset();  // flushed and closed
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find(kPassword), std::string::npos) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 0u);
  Reopen();
}

// Every command type of DESIGN.md, plan and people, for every role; a
// person holding two roles may do what either may.
TEST(RoleMatrixTest, EveryCommandTypeForEveryRoleAndEveryPersonRole) {
  std::vector<std::string> types = CommandTypes();
  for (const std::string& t : PeopleCommandTypes()) types.push_back(t);
  ASSERT_EQ(types.size(), 32u + 7u);
  const std::set<std::string> governance = {"ValidateAxis", "RetainScenario", "HoldReview",
                                            "SetRevisionModalities", "CloseRevision"};
  const auto people = [](const std::string& t) { return IsPeopleCommand(t); };
  using K = Principal::Kind;
  struct Column {
    std::string name;
    Principal principal;
    std::string plan;
    std::function<bool(const std::string&)> may;
  };
  const std::vector<Column> columns = {
      {"admin", Principal::Of(K::kToken, "t", {"admin"}), "DEJ",
       [](const std::string&) { return true; }},
      {"steering", Principal::Of(K::kPerson, "p", {"steering"}), "DEJ",
       [&](const std::string& t) { return governance.contains(t); }},
      {"auditor", Principal::Of(K::kPerson, "p", {"auditor"}), "DEJ",
       [](const std::string&) { return false; }},
      {"direction own plan", Principal::Of(K::kPerson, "p", {"direction:DEJ"}), "DEJ",
       [&](const std::string& t) {
         return t != "RegisterDirection" && t != "OpenCycle" && !governance.contains(t) &&
                !people(t);
       }},
      {"direction other plan", Principal::Of(K::kPerson, "p", {"direction:DEJ"}), "DRH",
       [](const std::string&) { return false; }},
      {"reader own plan", Principal::Of(K::kPerson, "p", {"reader:DEJ"}), "DEJ",
       [](const std::string&) { return false; }},
      {"direction and steering", Principal::Of(K::kPerson, "p", {"direction:DEJ", "steering"}),
       "DEJ",
       [&](const std::string& t) {
         return t != "RegisterDirection" && t != "OpenCycle" && !people(t);
       }},
      {"direction and steering, other plan",
       Principal::Of(K::kPerson, "p", {"direction:DEJ", "steering"}), "DRH",
       [&](const std::string& t) { return governance.contains(t); }},
      {"no role", Principal::Of(K::kPerson, "p", {}), "DEJ",
       [](const std::string&) { return false; }},
      {"anonymous", Principal::Of(K::kAnonymous, "anonymous", {}), "DEJ",
       [](const std::string&) { return false; }},
  };
  for (const std::string& type : types) {
    for (const Column& c : columns) {
      const bool may = people(type) ? MayRunPeopleCommand(c.principal.admin(), "", type, {})
                                    : c.principal.CanWrite(type, c.plan);
      EXPECT_EQ(may, c.may(type)) << type << " as " << c.name;
    }
  }
  // Reads: a reader reads its own plan only; steering and auditor every plan.
  EXPECT_TRUE(columns[5].principal.CanRead("DEJ"));
  EXPECT_FALSE(columns[5].principal.CanRead("DRH"));
  EXPECT_FALSE(columns[5].principal.CanAudit());
  EXPECT_TRUE(columns[1].principal.CanRead("DRH"));
  EXPECT_TRUE(columns[2].principal.CanAudit());
  // Any person may set their own password, and only their own.
  EXPECT_TRUE(MayRunPeopleCommand(false, "p", "SetPassword", {{"login", "p"}}));
  EXPECT_FALSE(MayRunPeopleCommand(false, "p", "SetPassword", {{"login", "q"}}));
  EXPECT_FALSE(MayRunPeopleCommand(false, "p", "EditPerson", {{"login", "p"}}));
}

}  // namespace
}  // namespace jalon::http
