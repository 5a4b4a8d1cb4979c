#include "tools/conformance/compare.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace braid::tools {
namespace {

TEST(CompareValues, WithinToleranceMatches) {
  Value a(Tensor::FromVector<float>({1.0f, 100.0f}, {2}));
  Value e(Tensor::FromVector<float>({1.000005f, 100.05f}, {2}));
  EXPECT_EQ(CompareValues(a, e, 1e-3, 1e-5), "");
}

TEST(CompareValues, OutsideToleranceNamesTheElement) {
  Value a(Tensor::FromVector<float>({1.0f, 2.0f, 3.0f}, {3}));
  Value e(Tensor::FromVector<float>({1.0f, 2.1f, 3.0f}, {3}));
  std::string r = CompareValues(a, e, 1e-3, 1e-5);
  EXPECT_NE(r.find("element 1"), std::string::npos) << r;
  EXPECT_NE(r.find("1 of 3 elements differ"), std::string::npos) << r;
}

TEST(CompareValues, NanMatchesNanOnly) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(CompareValues(Value(Tensor::FromVector<float>({nan}, {1})), Value(Tensor::FromVector<float>({nan}, {1})), 1e-3, 1e-5), "");
  EXPECT_NE(CompareValues(Value(Tensor::FromVector<float>({0}, {1})), Value(Tensor::FromVector<float>({nan}, {1})), 1e-3, 1e-5), "");
}

TEST(CompareValues, IntegersMustBeExact) {
  EXPECT_NE(CompareValues(Value(Tensor::FromVector<int64_t>({1000000}, {1})),
                          Value(Tensor::FromVector<int64_t>({1000001}, {1})), 1e-3, 1e-5),
            "");
}

TEST(CompareValues, ShapeAndTypeMismatchesAreReported) {
  EXPECT_NE(CompareValues(Value(Tensor::FromVector<float>({1, 2}, {2})), Value(Tensor::FromVector<float>({1, 2}, {1, 2})), 1e-3, 1e-5).find("shape"),
            std::string::npos);
  EXPECT_NE(CompareValues(Value(Tensor::FromVector<float>({1}, {1})), Value(Tensor::FromVector<double>({1}, {1})), 1e-3, 1e-5).find("element type"),
            std::string::npos);
}

TEST(CompareValues, SequencesCompareItemByItem) {
  Value a = Value::Sequence({Tensor::FromVector<float>({1}, {1}), Tensor::FromVector<float>({2}, {1})}, DataType::kFloat32);
  Value e = Value::Sequence({Tensor::FromVector<float>({1}, {1}), Tensor::FromVector<float>({3}, {1})}, DataType::kFloat32);
  EXPECT_NE(CompareValues(a, e, 1e-3, 1e-5).find("sequence item 1"), std::string::npos);
}

}  // namespace
}  // namespace braid::tools
