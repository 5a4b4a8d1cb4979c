#include "backends/cpu/kernels/nn/row_dot.h"

#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace braid::backends::cpu {
namespace {

// Every k around the 8- and 16-wide steps and every row range shape
// (starts and ends off the 4-row blocks) against a double-precision sum.
TEST(RowDotProductsTest, MatchesDoubleReferenceForEveryTailShape) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t k : {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 256, 301}) {
    const int64_t rows = 11;
    std::vector<float> w(rows * k), x(k);
    for (float& v : w) v = dist(rng);
    for (float& v : x) v = dist(rng);
    for (int64_t begin : {0, 1, 3}) {
      for (int64_t end : {begin, begin + 1, begin + 4, begin + 5, rows}) {
        std::vector<float> y(rows, -7.0f);
        RowDotProducts(w.data(), k, x.data(), y.data(), begin, end);
        for (int64_t j = 0; j < rows; ++j) {
          if (j < begin || j >= end) {
            EXPECT_EQ(y[j], -7.0f) << "row " << j << " outside [" << begin << ", " << end << ") was written";
            continue;
          }
          double want = 0;
          for (int64_t i = 0; i < k; ++i) want += static_cast<double>(w[j * k + i]) * x[i];
          EXPECT_NEAR(y[j], want, 1e-5 * std::sqrt(static_cast<double>(k)) + 1e-6) << "k=" << k << " row " << j;
        }
      }
    }
  }
}

TEST(RowDotProductsTest, NaNInTheVectorReachesEveryRow) {
  const int64_t k = 20;
  std::vector<float> w(6 * k, 1.0f), x(k, 0.5f), y(6);
  x[13] = std::nanf("");
  RowDotProducts(w.data(), k, x.data(), y.data(), 0, 6);
  for (float v : y) EXPECT_TRUE(std::isnan(v));
}

}  // namespace
}  // namespace braid::backends::cpu
