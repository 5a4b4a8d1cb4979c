#include <string>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/control/graph_builder.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

using graph::Attribute;

Value Strings(std::vector<std::string> v, Shape s) { return Value(Tensor::FromVector<std::string>(v, std::move(s))); }

std::vector<std::string> AsStrings(const Tensor& t) {
  return std::vector<std::string>(t.data<std::string>(), t.data<std::string>() + t.num_elements());
}

TEST(StringNormalizer, DropsStopWordsCaseInsensitivelyThenUppercasesUtf8) {
  OpTest t = MakeOp("StringNormalizer", 10);
  t.inputs = {Strings({"monday", "École", "MONDAY", "tuesday"}, {1, 4})};
  t.attributes.emplace("case_change_action", Attribute(std::string("UPPER")));
  t.attributes.emplace("stopwords", Attribute(std::vector<std::string>{"Monday"}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{1, 2}));
  EXPECT_EQ(AsStrings((*out)[0].tensor()), (std::vector<std::string>{"ÉCOLE", "TUESDAY"}));
}

TEST(StringNormalizer, CaseSensitiveStopWordsAndLowercase) {
  OpTest t = MakeOp("StringNormalizer", 10);
  t.inputs = {Strings({"monday", "Monday", "ÀÉÎ"}, {3})};
  t.attributes.emplace("case_change_action", Attribute(std::string("LOWER")));
  t.attributes.emplace("is_case_sensitive", Attribute(int64_t{1}));
  t.attributes.emplace("stopwords", Attribute(std::vector<std::string>{"Monday"}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(AsStrings((*out)[0].tensor()), (std::vector<std::string>{"monday", "àéî"}));
}

TEST(StringNormalizer, EverythingDroppedLeavesOneEmptyString) {
  OpTest t = MakeOp("StringNormalizer", 10);
  t.inputs = {Strings({"a", "A"}, {1, 2})};
  t.attributes.emplace("stopwords", Attribute(std::vector<std::string>{"a"}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{1, 1}));
  EXPECT_EQ(AsStrings((*out)[0].tensor()), (std::vector<std::string>{""}));
}

TEST(StringNormalizer, RejectsBatchedInputAndBadUtf8) {
  OpTest t = MakeOp("StringNormalizer", 10);
  t.inputs = {Strings({"a", "b"}, {2, 1})};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[C] or [1, C]"), std::string::npos) << out.status();
  t.inputs = {Strings({std::string("\xC3", 1)}, {1})};
  t.attributes.emplace("case_change_action", Attribute(std::string("UPPER")));
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("UTF-8"), std::string::npos) << out.status();
}

OpTest TfIdf(std::string mode, int64_t min_gram, int64_t max_gram, int64_t max_skip) {
  OpTest t = MakeOp("TfIdfVectorizer", 9);
  t.attributes.emplace("mode", Attribute(std::move(mode)));
  t.attributes.emplace("min_gram_length", Attribute(min_gram));
  t.attributes.emplace("max_gram_length", Attribute(max_gram));
  t.attributes.emplace("max_skip_count", Attribute(max_skip));
  t.attributes.emplace("ngram_counts", Attribute(std::vector<int64_t>{0, 4}));
  t.attributes.emplace("ngram_indexes", Attribute(std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  return t;
}

const std::vector<int32_t> kTokens = {1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8};

TEST(TfIdfVectorizer, CountsUnigramsOnceAndBigramsPerSkip) {
  OpTest t = TfIdf("TF", 1, 2, 5);
  t.attributes.emplace("pool_int64s", Attribute(std::vector<int64_t>{2, 3, 5, 4, 5, 6, 7, 8, 6, 7}));
  t.inputs = {Value(Tensor::FromVector<int32_t>(kTokens, {12}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({0, 3, 1, 0, 1, 3, 1}, {7})));
}

TEST(TfIdfVectorizer, BatchRowsAreIndependent) {
  OpTest t = TfIdf("TF", 2, 2, 0);
  t.attributes.emplace("pool_int64s", Attribute(std::vector<int64_t>{2, 3, 5, 4, 5, 6, 7, 8, 6, 7}));
  t.inputs = {Value(Tensor::FromVector<int64_t>({1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8}, {2, 6}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // (7, 8) spans the two rows and must not be counted.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(),
                          Tensor::FromVector<float>({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1}, {2, 7})));
}

TEST(TfIdfVectorizer, IdfAndTfIdfWeightTheCounts) {
  std::vector<float> weights = {1, 2, 3, 4, 5, 6, 7};
  for (std::string mode : {"IDF", "TFIDF"}) {
    OpTest t = TfIdf(mode, 1, 2, 5);
    t.attributes.emplace("pool_int64s", Attribute(std::vector<int64_t>{2, 3, 5, 4, 5, 6, 7, 8, 6, 7}));
    t.attributes.emplace("weights", Attribute(weights));
    t.inputs = {Value(Tensor::FromVector<int32_t>(kTokens, {12}))};
    auto out = t.Run();
    ASSERT_TRUE(out.ok()) << out.status();
    std::vector<float> expected = mode == "IDF" ? std::vector<float>{0, 2, 3, 0, 5, 6, 7}
                                                : std::vector<float>{0, 6, 3, 0, 5, 18, 7};
    EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expected, {7}))) << mode;
  }
}

TEST(TfIdfVectorizer, StringPool) {
  OpTest t = MakeOp("TfIdfVectorizer", 9);
  t.attributes.emplace("mode", Attribute(std::string("TF")));
  t.attributes.emplace("min_gram_length", Attribute(int64_t{1}));
  t.attributes.emplace("max_gram_length", Attribute(int64_t{2}));
  t.attributes.emplace("max_skip_count", Attribute(int64_t{0}));
  t.attributes.emplace("ngram_counts", Attribute(std::vector<int64_t>{0, 2}));
  t.attributes.emplace("ngram_indexes", Attribute(std::vector<int64_t>{2, 0, 1}));
  t.attributes.emplace("pool_strings", Attribute(std::vector<std::string>{"a", "b", "a", "b"}));
  t.inputs = {Strings({"a", "b", "c", "a", "b", "a"}, {6})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // "a" x3 -> index 2, "b" x2 -> index 0, ("a","b") x2 -> index 1.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2, 2, 3}, {3})));
}

TEST(TfIdfVectorizer, PoolThatDoesNotMatchNgramCountsIsRejected) {
  OpTest t = TfIdf("TF", 1, 2, 0);
  t.attributes.emplace("pool_int64s", Attribute(std::vector<int64_t>{2, 3, 5, 4, 5, 6, 7}));
  t.inputs = {Value(Tensor::FromVector<int32_t>(kTokens, {12}))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("ngram_counts entry 1"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
