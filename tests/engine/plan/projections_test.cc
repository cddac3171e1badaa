// Projections are a function of the log: a fresh replay equals the live
// state, time travel equals a truncated replay, and snapshots never change
// an answer (an old or foreign one is ignored).
#include "engine/plan/projections.h"

#include <rocksdb/db.h>

#include <random>

#include "engine/log/format.h"
#include "engine/plan/generator.h"
#include "tests/engine/plan/plan_fixture.h"
#include "tests/raw_events.h"

namespace jalon {
namespace {

// Drives random commands, valid and invalid, against two directions.
class RandomCommands {
 public:
  explicit RandomCommands(uint64_t seed) : rng_(seed) {}

  std::pair<std::string, Json> Next(const PlanState& s) {
    auto pick = [this](const Collection& c) -> std::string {
      if (c.empty()) return "none";
      return *std::next(c.ids().begin(), Uniform(0, static_cast<int>(c.size()) - 1));
    };
    const std::string date = "201" + std::to_string(Uniform(6, 9)) + "-0" +
                             std::to_string(Uniform(1, 9)) + "-" + std::to_string(Uniform(10, 28));
    Json d = {{"direction", s.code}};
    switch (Uniform(0, 11)) {
      case 0:
        d.update({{"action", pick(s.actions)}, {"date", date}, {"percent", Uniform(-5, 105)}});
        return {"ReportProgress", d};
      case 1:
        d.update({{"indicator", pick(s.indicators)}, {"date", date}, {"value", Uniform(0, 100)}});
        return {"RecordMeasurement", d};
      case 2: {
        std::string ind = pick(s.indicators);
        const MeasurementSeries& measured = s.MeasurementsOf(ind);
        std::string mdate = measured.empty() ? date : DateOfDay(measured[0].day);
        d.update({{"indicator", ind},
                  {"date", mdate},
                  {"value", Uniform(0, 100)},
                  {"reason", "Correction"}});
        return {"CorrectMeasurement", d};
      }
      case 3:
        d.update({{"indicator", pick(s.indicators)},
                  {"target", {{"value", Uniform(0, 100)}, {"date", "2020-06-30"}}},
                  {"reason", "Révision"}});
        return {"ChangeTarget", d};
      case 4:
        d.update({{"id", "X" + std::to_string(++counter_)},
                  {"axis", pick(s.axes)},
                  {"title", "Nouvelle action"},
                  {"owner", "Service"},
                  {"start", "2017-01-01"},
                  {"due", date},
                  {"budget_eur", Uniform(0, 5) * 1000},
                  {"fte", 1}});
        return {"PlanAction", d};
      case 5:
        d.update({{"action", pick(s.actions)}, {"due", date}, {"reason", "Retard"}});
        return {"RescheduleAction", d};
      case 6:
        d.update({{"action", pick(s.actions)}});
        return {Uniform(0, 1) ? "CompleteAction" : "CancelAction", d};
      case 7:
        d.update({{"section", "legal"}, {"text", "Texte " + std::to_string(Uniform(0, 1000))}});
        return {"EditSection", d};
      case 8:
        d.update({{"date", date}, {"participants", {"Directeur"}}, {"decisions", "Décisions"}});
        return {"HoldReview", d};
      case 9:
        d["axis"] = pick(s.axes);
        if (Uniform(0, 5) == 0) {
          d["reason"] = "Abandon";
          return {"DropAxis", d};
        }
        d["title"] = "Titre révisé";
        return {"EditAxis", d};
      case 10:
        d.update({{"id", "S" + std::to_string(++counter_)},
                  {"quadrant", "external_weakness"},
                  {"text", "Constat"},
                  {"evidence", {{"source", "Étude"}, {"date", date}}}});
        return {"AddSwotItem", d};
      default:
        d.update({{"id", pick(s.swot)}});
        return {"RemoveSwotItem", d};
    }
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::mt19937_64 rng_;
  int counter_ = 0;
};

class ProjectionsTest : public testing::PlanFixture {
 protected:
  // Imports two generated plans and runs `n` random commands; records the
  // live state of each direction after every event position it reached.
  void RunRandom(int n, uint64_t seed) {
    AfterGeneratedHistory();
    for (const char* code : {"DEJ", "DRH"}) {
      ASSERT_TRUE(service_->Import(GeneratePlan(code, code[1]), "test").ok());
      Record(code);
    }
    RandomCommands commands(seed);
    int accepted = 0;
    for (int i = 0; i < n; ++i) {
      const std::string code = i % 3 == 0 ? "DRH" : "DEJ";
      auto [type, data] = commands.Next(*projections_->Current(code));
      clock_.Advance(std::chrono::minutes(37));
      if (Exec(type, data).ok()) {
        ++accepted;
        Record(code);
      }
    }
    EXPECT_GT(accepted, n / 4);  // the sequence really changed the plans
  }

  void Record(const std::string& code) {
    const PlanState s = *projections_->Current(code);
    states_[code][s.last_position] = s.ToJson();
    instants_[s.last_position] = clock_.Now();
  }

  // The recorded state of `code` as of `position`.
  Json Expected(const std::string& code, uint64_t position) {
    auto& by_position = states_[code];
    auto it = by_position.upper_bound(position);
    if (it == by_position.begin()) return nullptr;
    return std::prev(it)->second;
  }

  std::map<std::string, std::map<uint64_t, Json>> states_;
  std::map<uint64_t, Instant> instants_;
};

// Found by hash, kept in code order, and still found after being moved,
// built from a tree (a checkpoint) or merged (a parallel catch-up's shares).
TEST(PlanMapTest, FindsWhatItHoldsAfterMovesAndMergesAndIteratesInCodeOrder) {
  PlanMap a;
  EXPECT_EQ(a.Find("DEJ"), nullptr);
  auto [key, dej] = a.FindOrAdd("DEJ");
  EXPECT_EQ(key, "DEJ");
  dej->code = "DEJ";
  EXPECT_EQ(a.FindOrAdd("DEJ").second, dej) << "a second FindOrAdd finds the same plan";
  a.FindOrAdd("ARC").second->code = "ARC";

  PlanMap::Tree tree;
  tree["DRH"].code = "DRH";
  tree["BIB"].code = "BIB";
  PlanMap b(std::move(tree));
  ASSERT_NE(b.Find("BIB"), nullptr);
  EXPECT_EQ(b.Find("BIB")->code, "BIB");

  PlanMap moved(std::move(a));
  EXPECT_EQ(moved.Find("DEJ"), dej) << "moving keeps the nodes the index points to";
  moved.Merge(std::move(b));
  std::vector<std::string> order;
  for (const auto& [code, state] : moved) {
    order.push_back(code);
    EXPECT_EQ(state.code, code);
    EXPECT_EQ(moved.Find(code), &state);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"ARC", "BIB", "DEJ", "DRH"}));
  EXPECT_EQ(moved.size(), 4u);
  EXPECT_EQ(moved.Find("DE"), nullptr);
  moved.Clear();
  EXPECT_EQ(moved.Find("DEJ"), nullptr);
  EXPECT_EQ(moved.size(), 0u);
}

TEST_F(ProjectionsTest, FreshReplayEqualsTheLiveState) {
  RunRandom(400, 7);
  Projections fresh(*log_);
  ASSERT_TRUE(fresh.CatchUp().ok());
  for (const char* code : {"DEJ", "DRH"}) {
    EXPECT_EQ(fresh.Current(code)->ToJson(), projections_->Current(code)->ToJson()) << code;
  }
  EXPECT_EQ(fresh.Stats().applied_position, Head());
}

TEST_F(ProjectionsTest, ParallelRebuildEqualsTheSequentialLiveState) {
  // Enough history that a fresh rebuild takes the parallel path (>= 50,000
  // events behind), while the live projections applied each import alone.
  GeneratorOptions options;
  options.monthly = true;
  options.axes = 6;
  options.indicators_per_axis = 6;
  AfterGeneratedHistory();
  for (int i = 0; i < 30; ++i) {
    const std::string code = "P" + std::to_string(i);
    ASSERT_TRUE(
        service_->Import(GeneratePlan(code, static_cast<uint64_t>(i), options), "test").ok());
  }
  ASSERT_TRUE(
      Exec("ReportProgress",
           {{"direction", "P3"}, {"action", "A1.1"}, {"date", "2019-01-15"}, {"percent", 90}})
          .ok());
  ASSERT_GE(Head(), 50000u);
  Projections fresh(*log_);
  ASSERT_TRUE(fresh.CatchUp().ok());
  EXPECT_EQ(fresh.Stats().applied_position, Head());
  ASSERT_EQ(fresh.Codes(), projections_->Codes());
  for (const std::string& code : projections_->Codes()) {
    ASSERT_EQ(fresh.Current(code)->ToJson(), projections_->Current(code)->ToJson()) << code;
  }
}

// The parallel catch-up in small slices, so that a modest log crosses many
// slice boundaries and reuses the pipeline's ring of slots many times.
constexpr uint64_t kSlice = 97;  // prime: boundaries fall anywhere in an import

ProjectionsOptions SmallSlices() {
  ProjectionsOptions options;
  options.parallel_from = 100;
  options.slice_events = kSlice;
  return options;
}

void ImportGenerated(PlanService& service, int plans) {
  // The caller's clock is past the generated history (AfterGeneratedHistory).
  GeneratorOptions options;
  options.monthly = true;
  options.axes = 3;
  options.indicators_per_axis = 3;
  for (int i = 0; i < plans; ++i) {
    ASSERT_TRUE(
        service
            .Import(GeneratePlan("P" + std::to_string(i), static_cast<uint64_t>(i), options),
                    "test")
            .ok());
  }
}

TEST_F(ProjectionsTest, SlicedParallelRebuildEqualsTheLiveState) {
  AfterGeneratedHistory();
  ImportGenerated(*service_, 12);
  ASSERT_GT(Head(), 40 * kSlice);
  Projections fresh(*log_, SmallSlices());
  ASSERT_TRUE(fresh.CatchUp().ok());
  EXPECT_EQ(fresh.Stats().applied_position, Head());
  ASSERT_EQ(fresh.Codes(), projections_->Codes());
  for (const std::string& code : projections_->Codes()) {
    ASSERT_EQ(fresh.Current(code)->ToJson(), projections_->Current(code)->ToJson()) << code;
  }
  // Caught up from the middle (a checkpoint's position) as well.
  Projections twice(*log_, SmallSlices());
  ASSERT_TRUE(twice.CatchUp().ok());
  ASSERT_TRUE(
      Exec("ReportProgress",
           {{"direction", "P3"}, {"action", "A1.1"}, {"date", "2019-01-15"}, {"percent", 90}})
          .ok());
  ASSERT_TRUE(twice.CatchUp().ok());
  ASSERT_TRUE(projections_->CatchUp().ok());
  EXPECT_EQ(twice.Current("P3")->ToJson(), projections_->Current("P3")->ToJson());
}

// A parallel catch-up that starts from plans already applied hands each of
// them to its worker's share and takes it back: every plan, the ones it
// had and the ones it adds, ends equal to the live state.
TEST_F(ProjectionsTest, SlicedParallelCatchUpFromTheMiddleKeepsThePlansItHad) {
  AfterGeneratedHistory();
  ImportGenerated(*service_, 6);  // P0 .. P5
  Projections partial(*log_, SmallSlices());
  ASSERT_TRUE(partial.CatchUp().ok());
  const uint64_t middle = Head();
  ASSERT_EQ(partial.Codes().size(), 6u);
  // Then P0 .. P11 again (imports revising P0 .. P5, new P6 .. P11), and an
  // event on P3: over 100 events behind, caught up in parallel.
  ImportGenerated(*service_, 12);
  ASSERT_TRUE(
      Exec("ReportProgress",
           {{"direction", "P3"}, {"action", "A1.1"}, {"date", "2019-01-15"}, {"percent", 90}})
          .ok());
  ASSERT_GT(Head() - middle, 20 * kSlice);
  ASSERT_TRUE(partial.CatchUp().ok());
  ASSERT_TRUE(projections_->CatchUp().ok());
  EXPECT_EQ(partial.Stats().applied_position, Head());
  ASSERT_EQ(partial.Codes(), projections_->Codes());
  for (const std::string& code : projections_->Codes()) {
    ASSERT_EQ(partial.Current(code)->ToJson(), projections_->Current(code)->ToJson()) << code;
  }
}

// Damage on a slice's first event (checked across two readers), inside a
// slice, and a missing event: the parallel catch-up names the first bad
// position, applies nothing past it, and never hangs.
TEST_F(ProjectionsTest, SlicedParallelRebuildNamesTheFirstDamage) {
  AfterGeneratedHistory();
  ImportGenerated(*service_, 8);
  const uint64_t head = Head();
  ASSERT_GT(head, 20 * kSlice);
  service_.reset();
  projections_.reset();
  log_.reset();
  const auto rebuild = [&] {
    auto log = testing::OpenLogOrDie(dir_.path(), clock_, /*allow_damaged=*/true);
    Projections fresh(*log, SmallSlices());
    return fresh.CatchUp();
  };
  // The last 64 bytes of a record are its prev_hash and its hash.
  const auto break_link = [](std::string record) {
    record[record.size() - 64] ^= 0x01;
    return record;
  };
  for (const uint64_t position : {1 + 5 * kSlice, 1 + 9 * kSlice + 50, head}) {
    std::string original;
    {
      testing::RawEvents raw(dir_.path());
      original = raw.Get(position);
      raw.Put(position, break_link(original));
    }
    Status s = rebuild();
    EXPECT_TRUE(s.IsCorruption()) << position << ": " << s.ToString();
    EXPECT_NE(s.message().find("position " + std::to_string(position) + ":"), std::string::npos)
        << s.ToString();
    testing::RawEvents raw(dir_.path());
    raw.Put(position, original);
  }
  {
    testing::RawEvents raw(dir_.path());
    raw.Delete(1 + 7 * kSlice);  // a slice's first event
    raw.Delete(1 + 10 * kSlice + 3);
  }
  Status gap = rebuild();
  EXPECT_TRUE(gap.IsCorruption()) << gap.ToString();
  EXPECT_NE(gap.message().find("position " + std::to_string(1 + 7 * kSlice) + ":"),
            std::string::npos)
      << gap.ToString();
}

TEST_F(ProjectionsTest, TimeTravelEqualsATruncatedReplayAtRandomPoints) {
  RunRandom(300, 11);
  // A far replay leaves a stream snapshot; later queries start from it.
  for (const char* code : {"DEJ", "DRH"}) ASSERT_TRUE(projections_->AtPosition(code, Head()).ok());
  projections_->FlushSnapshots();
  std::mt19937_64 rng(3);
  for (int i = 0; i < 60; ++i) {
    const uint64_t position = std::uniform_int_distribution<uint64_t>(1, Head())(rng);
    for (const char* code : {"DEJ", "DRH"}) {
      const Json want = Expected(code, position);
      auto got = projections_->AtPosition(code, position);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      // Inside an import (one atomic append) there is no recorded state to compare.
      if (want.is_null()) continue;
      ASSERT_EQ(got->ToJson(), want) << code << " at position " << position;
    }
  }
  EXPECT_GT(projections_->Stats().snapshots_used, 0u);
  // as_of an instant gives the state recorded by then.
  for (int i = 0; i < 20; ++i) {
    auto it = instants_.begin();
    std::advance(it, std::uniform_int_distribution<size_t>(0, instants_.size() - 1)(rng));
    TimeQuery q;
    q.as_of = it->second;
    auto shown = service_->State("DEJ", q);
    ASSERT_TRUE(shown.ok());
    EXPECT_EQ(shown->ToJson(), Expected("DEJ", it->first));
  }
}

TEST_F(ProjectionsTest, CheckpointIsUsedAndGivesTheSameState) {
  RunRandom(120, 5);
  ASSERT_TRUE(projections_->WriteCheckpoint().ok());
  const uint64_t at = Head();
  ASSERT_TRUE(
      Exec("EditSection",
           {{"direction", "DEJ"}, {"section", "legal"}, {"text", "Après le point de reprise"}})
          .ok());
  const Json live = projections_->Current("DEJ")->ToJson();
  Reopen();
  EXPECT_EQ(projections_->Stats().checkpoint_position, at);
  EXPECT_EQ(projections_->Stats().snapshots_ignored, 0u);
  EXPECT_EQ(projections_->Current("DEJ")->ToJson(), live);
}

TEST_F(ProjectionsTest, SnapshotEncodingGivesBackTheStateAndRefusesDamage) {
  RunRandom(300, 5);
  PlanState s = *projections_->Current("DEJ");
  // What the random commands do not reach: the jobs' records.
  Reminder open("rem-0123456789abcdef0123", "indicator_stale", "indicator/I1",
                "une mesure de l'indicateur I1");
  open.due_day = DayOf("2018-03-31");
  open.issued_at = clock_.Now();
  open.level = 1;
  open.notices = 2;
  open.delivered = 1;
  open.last_notice_at = clock_.Now() + std::chrono::hours(2);
  open.attempts = 3;
  open.retry_at = clock_.Now() + std::chrono::hours(5);
  Reminder resolved("rem-ffff456789abcdef0123", open.rule(), open.subject(), open.expected());
  resolved.due_day = open.due_day;
  resolved.issued_at = open.issued_at;
  resolved.level = open.level;
  resolved.notices = open.notices;
  resolved.delivered = open.delivered;
  resolved.last_notice_at = open.last_notice_at;
  resolved.attempts = open.attempts;
  resolved.retry_at = open.retry_at;
  resolved.state = Reminder::State::kResolved;
  resolved.resolved_at = clock_.Now() + std::chrono::days(3);
  s.reminders.Put(open);
  s.reminders.Put(resolved);
  s.occurrences.Add("review/2018-06-30", {{"status", "fired"}, {"due", "2018-06-30"}});
  s.occurrences.Add("revision/2018-07-01",
                    {{"status", "skipped"}, {"due", "2018-07-01"}, {"reason", "arrêt"}});
  s.reviews_due = {DayOf("2018-06-30"), DayOf("2018-12-31")};
  ASSERT_GT(s.measurements.size(), 3u);
  ASSERT_FALSE(s.progress.empty());

  ASSERT_GT(s.version, 2u);
  s.data_version = s.version - 2;  // two notice events since the data last moved

  const std::string bytes = s.Encode();
  auto decoded = PlanState::Decode(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->ToJson(), s.ToJson());
  EXPECT_EQ(decoded->version, s.version);
  EXPECT_EQ(decoded->data_version, s.data_version);
  EXPECT_EQ(decoded->Encode(), bytes);

  // Cut short anywhere, or with a byte longer, the bytes are refused; with a
  // byte changed anywhere they are refused or read in bounds (the sanitizer
  // build checks the latter).
  std::mt19937_64 rng(11);
  for (int k = 0; k < 400; ++k) {
    const size_t cut = rng() % bytes.size();
    EXPECT_FALSE(PlanState::Decode(std::string_view(bytes).substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(PlanState::Decode(bytes + "x").ok());
  int refused = 0;
  for (int k = 0; k < 400; ++k) {
    std::string damaged = bytes;
    damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
    auto state = PlanState::Decode(damaged);
    refused += !state.ok();
    if (state.ok()) (void)state->ToJson();
  }
  EXPECT_GT(refused, 0);
}

TEST_F(ProjectionsTest, SnapshotsFromAnotherBuildOrAnotherLogAreIgnored) {
  RunRandom(300, 9);
  ASSERT_TRUE(projections_->WriteCheckpoint().ok());
  // Time travel that replays far leaves stream snapshots behind (just before
  // a plan's last event: after it, the current plan is the answer).
  for (const char* code : {"DEJ", "DRH"}) {
    ASSERT_TRUE(
        projections_->AtPosition(code, projections_->Current(code)->last_position - 1).ok());
  }
  projections_->FlushSnapshots();
  const Json live = projections_->Current("DEJ")->ToJson();
  const uint64_t head = Head();
  // Damage every snapshot: an older format marker on some, garbage on others.
  {
    rocksdb::DB* db = log_->db();
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), log_->snapshots_cf()));
    int n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++n) {
      std::string v = it->value().ToString();
      if (n % 2 == 0) {
        v[4] = 0;  // snapshot format 0: written by "an older build"
      } else {
        v = v.substr(0, v.size() / 2);
      }
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), log_->snapshots_cf(), it->key(), v).ok());
    }
    ASSERT_GT(n, 2);
  }
  Reopen();
  EXPECT_GE(projections_->Stats().snapshots_ignored, 1u);
  EXPECT_EQ(projections_->Stats().checkpoint_position, 0u);  // replayed from scratch
  EXPECT_EQ(projections_->Current("DEJ")->ToJson(), live);
  auto past = projections_->AtPosition("DEJ", head - 5);
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(past->ToJson(), Expected("DEJ", head - 5));
}

TEST_F(ProjectionsTest, CheckpointOfAnotherLogIsIgnored) {
  ImportExample();
  ASSERT_TRUE(projections_->WriteCheckpoint().ok());
  std::string checkpoint;
  ASSERT_TRUE(log_->db()
                  ->Get(rocksdb::ReadOptions(), log_->snapshots_cf(), "checkpoint", &checkpoint)
                  .ok());
  // A different log (another city, or a restore of an older copy) with the same length.
  testing::TempDir other;
  {
    auto log = testing::OpenLogOrDie(other.path(), clock_);
    Projections p(*log);
    PlanService s(*log, p, clock_);
    Json doc = testing::ExamplePlan();
    doc["plan"]["title"] = "Un autre projet";
    ASSERT_TRUE(s.Import(doc, "test").ok());
    ASSERT_TRUE(log->db()
                    ->Put(rocksdb::WriteOptions(), log->snapshots_cf(), "checkpoint", checkpoint)
                    .ok());
  }
  auto log = testing::OpenLogOrDie(other.path(), clock_);
  Projections p(*log);
  ASSERT_TRUE(p.Start().ok());
  EXPECT_EQ(p.Stats().snapshots_ignored, 1u);
  EXPECT_EQ(p.Current("DEJ")->plan["title"], "Un autre projet");
}

TEST_F(ProjectionsTest, EffectiveDateShowsTheBusinessPast) {
  ImportExample();
  TimeQuery q;
  q.effective_at = ParseDate("2017-06-30").value();
  auto s = service_->State("DEJ", q);
  ASSERT_TRUE(s.ok());
  // Measurements dated after 2017-06-30 are not there yet.
  EXPECT_EQ(s->MeasurementsOf("I1").size(), 0u);
  EXPECT_EQ(s->MeasurementsOf("I2").size(), 1u);
  EXPECT_EQ(s->ProgressOf("A2.1").size(), 1u);
  EXPECT_EQ(s->reviews.size(), 2u);
}

}  // namespace
}  // namespace jalon
