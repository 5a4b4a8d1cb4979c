#include "tools/npy.h"

#include "gtest/gtest.h"

namespace braid::tools {
namespace {

TEST(Npy, RoundTripsFloatTensor) {
  Tensor t = Tensor::FromVector<float>({1.5f, -2, 3, 4, 5, 6}, {2, 3});
  auto bytes = SerializeNpy(t);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(bytes->size() % 64, static_cast<size_t>(t.byte_size() % 64));  // header padded to 64 bytes
  auto back = ParseNpy(*bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->dtype(), DataType::kFloat32);
  EXPECT_EQ(back->shape(), (Shape{2, 3}));
  EXPECT_EQ(back->data<float>()[0], 1.5f);
  EXPECT_EQ(back->data<float>()[5], 6.0f);
}

TEST(Npy, RoundTripsScalarAndVector) {
  for (const Tensor& t : {Tensor::Scalar<int64_t>(7), Tensor::FromVector<int64_t>({1, 2, 3}, {3})}) {
    auto back = ParseNpy(*SerializeNpy(t));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->shape(), t.shape());
    EXPECT_EQ(back->data<int64_t>()[0], t.data<int64_t>()[0]);
  }
}

TEST(Npy, RejectsBadMagic) {
  auto t = ParseNpy("PK\x03\x04 not numpy");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("bad magic"), std::string::npos);
}

TEST(Npy, RejectsDataShorterThanShape) {
  std::string bytes = *SerializeNpy(Tensor::FromVector<float>({1, 2, 3, 4}, {4}));
  auto t = ParseNpy(bytes.substr(0, bytes.size() - 4));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("needs 16"), std::string::npos) << t.status();
}

TEST(Npy, RejectsUnsupportedDtype) {
  std::string bytes = *SerializeNpy(Tensor::FromVector<float>({1}, {1}));
  size_t pos = bytes.find("<f4");
  bytes.replace(pos, 3, "<c8");
  auto t = ParseNpy(bytes);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("'<c8' is not supported"), std::string::npos) << t.status();
}

}  // namespace
}  // namespace braid::tools
