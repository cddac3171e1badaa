// The city's political orientations bound every write of an axis's
// validation, whichever path writes it: a ValidateAxis command, an imported
// document, a system append. The list is the real one (PeopleService on the
// same log), wired as jalond wires it.
#include <gtest/gtest.h>

#include <future>

#include "engine/log/payload.h"
#include "engine/people/people_service.h"
#include "engine/plan/refusal_fr.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon {
namespace {

constexpr char kFirst[] = "Moderniser la relation à l'usager";  // axis A1's in the example
constexpr char kSecond[] = "Mettre l'innovation sociale au cœur des pratiques";  // A2's

class OrientationCheckTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    people_ = std::make_unique<PeopleService>(*log_, clock_);
    ASSERT_TRUE(people_->Load().ok());
    service_->SetOrientationCheck([people = people_.get()](const std::string& orientation) {
      return OrientationRefusal(people->LiveOrientationTitles(), orientation);
    });
  }

  void Define(const std::string& id, const std::string& title) {
    auto out = people_->Execute("DefineOrientation", {{"id", id}, {"title", title}}, "", "admin");
    ASSERT_TRUE(out.ok()) << out.status.ToString();
  }
  void Retire(const std::string& id) {
    auto out = people_->Execute("RetireOrientation", {{"id", id}}, "", "admin");
    ASSERT_TRUE(out.ok()) << out.status.ToString();
  }
  Json Validate(const std::string& axis, const std::string& orientation) {
    return {{"direction", "DEJ"},
            {"axis", axis},
            {"orientation", orientation},
            {"by", "Bureau municipal"},
            {"date", "2016-05-02"}};
  }
  std::unique_ptr<PeopleService> people_;
};

TEST_F(OrientationCheckTest, AnImportWhoseAxisNamesNoLiveOrientationIsRefusedWhole) {
  Define("O1", kFirst);
  const uint64_t head = Head();
  auto refused = service_->Import(testing::ExamplePlan(), "test:importer");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().IsInvalidArgument()) << refused.status().ToString();
  EXPECT_EQ(refused.status().message(),
            std::string("axes[1].validation.orientation: must be one of the city's political "
                        "orientations: '") +
                kFirst + "'");
  auto [field, rule] = SplitFieldError(refused.status().message());
  EXPECT_EQ(
      FrenchRefusal(rule),
      std::string("doit être l'une des orientations politiques de la ville : '") + kFirst + "'");
  EXPECT_EQ(Head(), head) << "all or nothing: the axes and actions before it are not appended";
  EXPECT_FALSE(projections_->Current("DEJ"));

  Define("O2", kSecond);
  auto imported = service_->Import(testing::ExamplePlan(), "test:importer");
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_TRUE(projections_->Current("DEJ"));
}

TEST_F(OrientationCheckTest, AnEmptyListAcceptsAnyOrientation) {
  ImportExample();  // its orientations are in no list: the city keeps none
  auto validated = Exec("ValidateAxis", Validate("A1", "Une orientation d'un autre mandat"));
  EXPECT_TRUE(validated.ok()) << validated.status().ToString();
}

TEST_F(OrientationCheckTest, AValidateAxisCommandMustNameALiveOrientation) {
  ImportExample();
  Define("O1", kFirst);
  Define("O2", "Une ville durable");
  const uint64_t head = Head();
  auto refused = Exec("ValidateAxis", Validate("A1", kSecond));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            std::string("data.orientation: must be one of the city's political orientations: '") +
                kFirst + "', 'Une ville durable'");
  EXPECT_EQ(Head(), head);

  ASSERT_TRUE(Exec("ValidateAxis", Validate("A1", "Une ville durable"), std::nullopt, "v-1").ok());
  Retire("O2");
  EXPECT_FALSE(Exec("ValidateAxis", Validate("A2", "Une ville durable")).ok())
      << "a retired orientation validates no more";
  // The command sent again after the retirement is the same request: it is
  // answered its first result, not refused.
  auto again = Exec("ValidateAxis", Validate("A1", "Une ville durable"), std::nullopt, "v-1");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE((*again)["replayed"].get<bool>());
}

TEST_F(OrientationCheckTest, ASystemAppendOfAnAxisValidationIsCheckedToo) {
  ImportExample();
  Define("O1", kFirst);
  const uint64_t head = Head();
  const auto decide = [](const PlanState&) -> Result<std::vector<NewEvent>> {
    NewEvent e;
    e.type = "AxisValidated";
    e.effective_at = ParseDate("2016-05-02").value();
    e.payload = EncodePayload({{"direction", "DEJ"},
                               {"axis", "A2"},
                               {"orientation", "Une orientation d'un autre mandat"},
                               {"by", "Bureau municipal"},
                               {"date", "2016-05-02"}});
    return std::vector<NewEvent>{std::move(e)};
  };
  auto refused = service_->AppendSystem("DEJ", "sys-1", "jalond/test", decide);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().IsInvalidArgument()) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("AxisValidated.orientation: must be one of"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(Head(), head);
  // The plan takes its commands as before.
  EXPECT_TRUE(Exec("ValidateAxis", Validate("A2", kFirst)).ok());
}

}  // namespace
}  // namespace jalon
