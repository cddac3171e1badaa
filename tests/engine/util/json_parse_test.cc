// The bounded JSON reader (engine/util/json_parse.h): what it refuses, how
// it names the place, and that it reads what nlohmann reads otherwise.
#include "engine/util/json_parse.h"

#include <gtest/gtest.h>

#include <string>

namespace jalon {
namespace {

using Json = nlohmann::json;

std::string Nested(size_t depth, const std::string& inside = "1") {
  return std::string(depth, '[') + inside + std::string(depth, ']');
}

std::string ErrorOf(std::string_view text) {
  auto r = ParseJson(text, "body");
  EXPECT_FALSE(r.ok()) << text.substr(0, 80);
  if (r.ok()) return {};
  EXPECT_TRUE(r.status().IsInvalidArgument());
  return r.status().message();
}

TEST(ParseJsonTest, ReadsWhatNlohmannReads) {
  for (const char* text :
       {"{}", "[]", "null", "true", "-12", "18446744073709551615", "1.5e300", "\"é\"",
        R"({"type": "ReportProgress", "data": {"percent": 35, "tags": ["a", {"b": null}]}})"}) {
    auto r = ParseJson(text, "body");
    ASSERT_TRUE(r.ok()) << text << ": " << r.status().message();
    EXPECT_EQ(*r, Json::parse(text)) << text;
  }
}

TEST(ParseJsonTest, NestingIsBoundedAndNamed) {
  EXPECT_TRUE(ParseJson(Nested(kMaxJsonDepth), "body").ok());
  const std::string message = ErrorOf(Nested(kMaxJsonDepth + 1));
  EXPECT_NE(message.find("body: "), std::string::npos) << message;
  EXPECT_NE(message.find("deeper than 64 levels"), std::string::npos) << message;
  // Deep enough to exhaust the stack of any recursive walk: refused, no crash.
  EXPECT_NE(ErrorOf(std::string(100000, '[')).find("deeper than 64"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"data": {"a": )" + std::string(100000, '{')).find("data.a"),
            std::string::npos);
  const std::string objects = [] {
    std::string s;
    for (int i = 0; i < 100000; ++i) s += "{\"k\":";
    return s;
  }();
  EXPECT_NE(ErrorOf(objects).find("deeper than 64"), std::string::npos);
}

TEST(ParseJsonTest, DuplicateKeysAreRefusedAndNamed) {
  EXPECT_EQ(ErrorOf(R"({"type": "A", "type": "B"})"),
            "body: type: duplicate key (each key once per object)");
  EXPECT_EQ(ErrorOf(R"({"data": {"x": [1, {"percent": 1, "percent": 2}]}})"),
            "body: data.x[1].percent: duplicate key (each key once per object)");
  // The same key in two objects is fine.
  EXPECT_TRUE(ParseJson(R"({"a": {"k": 1}, "b": {"k": 2}})", "body").ok());
}

TEST(ParseJsonTest, NumbersBeyondADoubleAreRefusedAndNamed) {
  const std::string message = ErrorOf(R"({"data": {"budget_eur": 1e400}})");
  EXPECT_NE(message.find("body: data.budget_eur: number 1e400 is out of range"), std::string::npos)
      << message;
  EXPECT_NE(ErrorOf("[1, -1e400]").find("[1]: number -1e400"), std::string::npos);
  EXPECT_NE(ErrorOf("1e400").find("the top-level value"), std::string::npos);
  EXPECT_EQ(ErrorOf("1e400").find("json.exception"), std::string::npos);
  // Beyond 64 bits but finite: a double, as nlohmann reads it.
  auto big = ParseJson("[123456789012345678901234567890]", "body");
  ASSERT_TRUE(big.ok());
  EXPECT_TRUE((*big)[0].is_number_float());
}

TEST(ParseJsonTest, SyntaxErrorsAreInvalidArgumentWithoutTheLibrarysPrefix) {
  for (const char* text : {"", "{", "[1,]", "{\"a\" 1}", "tru", "\"\xff\"", "{} {}", "[1] x"}) {
    const std::string message = ErrorOf(text);
    EXPECT_TRUE(message.starts_with("body: not valid JSON")) << message;
    EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
  }
}

TEST(IsBoundedCborTest, RefusesDeepOrDamagedItemsWithoutRecursingIntoThem) {
  const std::vector<uint8_t> plain = Json::to_cbor(Json::parse(Nested(60)));
  EXPECT_TRUE(IsBoundedCbor(std::string(plain.begin(), plain.end())));
  // 0x81: an array of one item; 100,000 of them, then null.
  std::string deep(100000, '\x81');
  deep += '\xF6';
  EXPECT_FALSE(IsBoundedCbor(deep));
  std::string maps;
  for (int i = 0; i < 100000; ++i) maps += "\xA1\x61k";
  maps += '\xF6';
  EXPECT_FALSE(IsBoundedCbor(maps));
  EXPECT_FALSE(IsBoundedCbor("\x82\x01"));  // truncated
  EXPECT_FALSE(IsBoundedCbor("\x01\x01"));  // trailing bytes
  EXPECT_TRUE(IsBoundedCbor(std::string(kMaxStoredDepth, '\x81') + '\xF6'));
  EXPECT_FALSE(IsBoundedCbor(std::string(kMaxStoredDepth + 1, '\x81') + '\xF6'));
}

}  // namespace
}  // namespace jalon
