// The record and payload encodings: a committed golden record must stay
// readable by every later build, and damaged bytes must fail cleanly.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/log/event.h"
#include "engine/log/payload.h"
#include "tests/test_util.h"

#ifndef JALON_TESTDATA_DIR
#error "JALON_TESTDATA_DIR must name tests/testdata"
#endif

namespace jalon {
namespace {

const std::string kGoldenPath = std::string(JALON_TESTDATA_DIR) + "/event_record_v1.bin";

nlohmann::json GoldenPayload() {
  return {{"direction", "DEJ"},
          {"indicator", "I1"},
          {"date", "2017-03-31"},
          {"value", 27.5},
          {"source", "Logiciel Famille"},
          {"comment", "relevé trimestriel"},
          {"count", -3},
          {"flags", {true, false, nullptr}},
          {"big", 18446744073709551615ull}};
}

Event GoldenEvent() {
  Event e;
  e.position = 42;
  e.stream = "plan/DEJ";
  e.version = 7;
  e.type = "MeasurementRecorded";
  e.schema_version = 1;
  e.recorded_at = ParseInstant("2017-04-02T08:30:00.250000Z").value();
  e.effective_at = ParseDate("2017-03-31").value();
  e.actor = "direction:DEJ";
  e.command_id = "golden-1";
  e.payload = EncodePayload(GoldenPayload());
  e.prev_hash = Sha256("golden fixture: the hash of position 41");
  return e;
}

using testing::ReadFile;

TEST(EventCodecTest, GoldenRecordV1StaysReadable) {
  if (std::getenv("JALON_WRITE_GOLDEN") != nullptr) {
    Event e = GoldenEvent();
    std::ofstream(kGoldenPath, std::ios::binary) << SealAndEncode(&e);
  }
  const std::string stored = ReadFile(kGoldenPath);
  ASSERT_FALSE(stored.empty()) << "missing fixture " << kGoldenPath;
  Event decoded;
  ASSERT_TRUE(DecodeRecord(stored, &decoded).ok());
  const Event want = GoldenEvent();
  EXPECT_EQ(decoded.position, 42u);
  EXPECT_EQ(decoded.stream, "plan/DEJ");
  EXPECT_EQ(decoded.version, 7u);
  EXPECT_EQ(decoded.type, "MeasurementRecorded");
  EXPECT_EQ(decoded.schema_version, 1u);
  EXPECT_EQ(FormatInstant(decoded.recorded_at), "2017-04-02T08:30:00.250000Z");
  EXPECT_EQ(FormatDate(decoded.effective_at), "2017-03-31");
  EXPECT_EQ(decoded.actor, "direction:DEJ");
  EXPECT_EQ(decoded.command_id, "golden-1");
  EXPECT_EQ(decoded.prev_hash, want.prev_hash);
  // The stored hash is the chain hash of the stored canonical bytes.
  EXPECT_EQ(decoded.hash, ChainHash(decoded.prev_hash, EncodeCanonical(decoded)));
  EXPECT_EQ(ToHex(decoded.hash), "0ba67edc007625cd08110a6b73e3e72751cec5dc9a630cff33e0113d61bde3bb")
      << "update this literal only if the fixture was deliberately regenerated";
  auto payload = DecodePayload(decoded.payload);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  EXPECT_EQ(*payload, GoldenPayload());
  // Today's encoder still writes the same bytes.
  Event again = GoldenEvent();
  EXPECT_EQ(SealAndEncode(&again), stored);
}

TEST(EventCodecTest, OldPayloadIsUpcastToTheCurrentShape) {
  Upcaster upcaster;
  // v2 renamed "comment" to "note"; v3 added "unit" with a default.
  upcaster.Register("MeasurementRecorded", 1, [](nlohmann::json doc) {
    doc["note"] = doc.value("comment", "");
    doc.erase("comment");
    return doc;
  });
  upcaster.Register("MeasurementRecorded", 2, [](nlohmann::json doc) {
    doc["unit"] = "";
    return doc;
  });
  EXPECT_EQ(upcaster.CurrentVersion("MeasurementRecorded"), 3u);
  EXPECT_EQ(upcaster.CurrentVersion("ActionPlanned"), 1u);

  Event decoded;
  ASSERT_TRUE(DecodeRecord(ReadFile(kGoldenPath), &decoded).ok());
  auto doc =
      upcaster.Upcast(decoded.type, decoded.schema_version, DecodePayload(decoded.payload).value());
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ((*doc)["note"], "relevé trimestriel");
  EXPECT_FALSE(doc->contains("comment"));
  EXPECT_EQ((*doc)["unit"], "");

  auto too_new = upcaster.Upcast("MeasurementRecorded", 4, {});
  EXPECT_TRUE(too_new.status().IsCorruption());
}

TEST(EventCodecTest, PayloadRoundTripsEveryJsonType) {
  const nlohmann::json doc = {{"s", "é€"},
                              {"i", -42},
                              {"u", 42u},
                              {"d", 0.1},
                              {"t", true},
                              {"n", nullptr},
                              {"a", {1, "two", 3.5}},
                              {"o", {{"k", {{"deep", 1}}}}}};
  auto back = DecodePayload(EncodePayload(doc));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, doc);
}

TEST(EventCodecTest, EveryTruncatedRecordIsCorruptionNotACrash) {
  Event e = GoldenEvent();
  const std::string record = SealAndEncode(&e);
  for (size_t n = 0; n < record.size(); ++n) {
    Event out;
    Status s = DecodeRecord(std::string_view(record).substr(0, n), &out);
    if (s.ok()) {
      // Dropping bytes only "works" if the hash no longer matches.
      EXPECT_NE(out.hash, ChainHash(out.prev_hash, EncodeCanonical(out))) << "length " << n;
    } else {
      EXPECT_TRUE(s.IsCorruption()) << "length " << n;
    }
  }
}

TEST(EventCodecTest, DamagedPayloadsFailCleanly) {
  const std::string bytes = EncodePayload(GoldenPayload());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = DecodePayload(std::string_view(bytes).substr(0, n));
    EXPECT_FALSE(r.ok()) << "length " << n;
  }
  std::string huge_size = bytes;
  // Turn the object's entry count into a huge number: refused, not allocated.
  for (int i = 2; i < 9; ++i) huge_size[static_cast<size_t>(i)] = '\x7f';
  EXPECT_TRUE(DecodePayload(huge_size).status().IsCorruption());
  std::string unknown_tag = bytes;
  unknown_tag[0] = '\x63';
  EXPECT_TRUE(DecodePayload(unknown_tag).status().IsCorruption());
  nlohmann::json deep = 1;
  for (int i = 0; i < kMaxPayloadDepth + 5; ++i) deep = nlohmann::json::array({deep});
  EXPECT_TRUE(DecodePayload(EncodePayload(deep)).status().IsCorruption());
  EXPECT_TRUE(DecodePayload(EncodePayload(GoldenPayload()) + "x").status().IsCorruption());
}

// What PayloadMembersToCbor must match: nlohmann's CBOR of the document
// with every object key renamed.
nlohmann::json Renamed(const nlohmann::json& j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : j.items()) out["<" + k + ">"] = Renamed(v);
    return out;
  }
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : j) out.push_back(Renamed(v));
    return out;
  }
  return j;
}

TEST(EventCodecTest, PayloadMembersComeOutAsNlohmannsCborOfTheRenamedDocument) {
  nlohmann::json doc = GoldenPayload();
  doc["nested"] = {{"b", {{"z", 1}, {"a", {2.5, -7, nullptr, false, "x"}}}}, {"a", 1e300}};
  doc["big"] = 18446744073709551615u;
  doc["skipped"] = {{"deep", {1, 2, 3}}};
  const auto keep = [](std::string_view key) { return key != "skipped"; };
  const auto rename = [](std::string_view key) { return "<" + std::string(key) + ">"; };
  std::vector<cbor::Member> members;
  ASSERT_TRUE(PayloadMembersToCbor(EncodePayload(doc), keep, rename, &members));
  ASSERT_EQ(members.size(), doc.size() - 1);
  for (const cbor::Member& m : members) {
    const std::string key = m.key.substr(1, m.key.size() - 2);
    EXPECT_EQ(m.key, "<" + key + ">");
    EXPECT_NE(key, "skipped");
    const std::vector<uint8_t> expected = nlohmann::json::to_cbor(Renamed(doc.at(key)));
    EXPECT_EQ(m.value, std::string(expected.begin(), expected.end())) << key;
  }
  // The whole object, through AppendMap: nlohmann's bytes of the renamed
  // document without the skipped member.
  std::string whole;
  cbor::AppendMap(members, &whole);
  doc.erase("skipped");
  const std::vector<uint8_t> expected = nlohmann::json::to_cbor(Renamed(doc));
  EXPECT_EQ(whole, std::string(expected.begin(), expected.end()));
  for (const cbor::Member& m : members) {
    if (m.key == "<indicator>") {
      EXPECT_EQ(cbor::TextOf(m.value), "I1");
    } else if (m.key == "<value>") {
      EXPECT_FALSE(cbor::TextOf(m.value).has_value());
    }
  }

  // Damage, a repeated key and a payload that is not an object: refused,
  // so that the caller decodes the slow way and reports it.
  const std::string bytes = EncodePayload(GoldenPayload());
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(PayloadMembersToCbor(std::string_view(bytes).substr(0, n), keep, rename, &members))
        << "length " << n;
  }
  EXPECT_FALSE(PayloadMembersToCbor(bytes + "x", keep, rename, &members));
  EXPECT_FALSE(PayloadMembersToCbor(EncodePayload({1, 2}), keep, rename, &members));
  std::string repeated = EncodePayload({{"a", 1}, {"b", 2}});
  const size_t b = repeated.find('b');
  ASSERT_NE(b, std::string::npos);
  repeated[b] = 'a';
  EXPECT_FALSE(PayloadMembersToCbor(repeated, keep, rename, &members));
}

TEST(EventCodecTest, ArrayElementsAreOfferedInOrderAndDamageIsCorruption) {
  const std::string bytes =
      EncodePayload({{"ids", {"r1", 2, {{"k", 1}}, "r4"}}, {"level", 2}, {"o", {{"a", 1}}}});
  std::string_view ids, object;
  ASSERT_TRUE(ForEachPayloadField(bytes, [&](std::string_view key, const PayloadScalar& v) {
                if (key == "ids") {
                  ids = v.nested;
                } else if (key == "o") {
                  object = v.nested;
                } else {
                  EXPECT_TRUE(v.nested.empty()) << key;
                }
              }).ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(ForEachPayloadElement(ids, [&](const PayloadScalar& v) {
                using K = PayloadScalar::Kind;
                seen.push_back(v.kind == K::kString   ? std::string(v.text)
                               : v.kind == K::kNumber ? std::to_string(static_cast<int>(v.number))
                               : v.kind == K::kNested ? "{" + std::to_string(v.nested.size()) + "}"
                                                      : "?");
              }).ok());
  // The nested object: tag, count, key "k" (8 + 1 bytes), tag and int64.
  EXPECT_EQ(seen, (std::vector<std::string>{"r1", "2", "{27}", "r4"}));
  for (size_t n = 0; n < ids.size(); ++n) {
    EXPECT_TRUE(ForEachPayloadElement(ids.substr(0, n), [](const PayloadScalar&) {}).IsCorruption())
        << "length " << n;
  }
  EXPECT_TRUE(ForEachPayloadElement(object, [](const PayloadScalar&) {}).IsCorruption());
  EXPECT_TRUE(
      ForEachPayloadElement(std::string(ids) + "x", [](const PayloadScalar&) {}).IsCorruption());
}

TEST(EventCodecTest, AnObjectWrittenMemberByMemberIsTheDocumentsEncoding) {
  const std::vector<std::string_view> ids = {"r1", "rappel/2", ""};
  const std::vector<std::string> to = {"dej@ville.fr"};
  PayloadObjectWriter w(5);
  w.Int("level", -2).Strings("reminders", ids).Bool("repeat", true).Strings("to", to);
  w.Value("x", {{"nested", {1, 2.5, nullptr}}, {"a", "b"}});
  const nlohmann::json doc = {{"level", -2},
                              {"reminders", {"r1", "rappel/2", ""}},
                              {"repeat", true},
                              {"to", {"dej@ville.fr"}},
                              {"x", {{"nested", {1, 2.5, nullptr}}, {"a", "b"}}}};
  EXPECT_EQ(std::move(w).Finish(), EncodePayload(doc));
  EXPECT_EQ(std::move(PayloadObjectWriter(0)).Finish(), EncodePayload(nlohmann::json::object()));

  // Keys out of order or repeated, and a count that does not match, are
  // the caller's mistakes: refused, not written.
  PayloadObjectWriter unordered(2);
  unordered.Int("level", 1);
  EXPECT_THROW(unordered.Bool("id", true), std::logic_error);
  PayloadObjectWriter repeated(2);
  repeated.Int("level", 1);
  EXPECT_THROW(repeated.Int("level", 2), std::logic_error);
  PayloadObjectWriter short_of_one(2);
  short_of_one.Int("level", 1);
  EXPECT_THROW(std::move(short_of_one).Finish(), std::logic_error);
}

TEST(EventCodecTest, CborTextOfReadsEveryLengthForm) {
  for (size_t len : {0u, 23u, 24u, 255u, 256u, 70000u}) {
    const std::vector<uint8_t> item = nlohmann::json::to_cbor(std::string(len, 'y'));
    const auto text =
        cbor::TextOf(std::string_view(reinterpret_cast<const char*>(item.data()), item.size()));
    ASSERT_TRUE(text.has_value()) << len;
    EXPECT_EQ(*text, std::string(len, 'y'));
  }
  EXPECT_FALSE(cbor::TextOf("\x01").has_value());  // an integer
  EXPECT_FALSE(cbor::TextOf("\x63"
                            "ab")
                   .has_value());  // shorter than its head says
  EXPECT_FALSE(cbor::TextOf("").has_value());
}

}  // namespace
}  // namespace jalon
