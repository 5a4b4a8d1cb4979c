// Type and shape inference per op family, on symbolic shapes.
#include <limits>

#include "graph/op_schema.h"
#include "graph/passes/shape_propagation.h"
#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::F32;
using testing::I64;
using testing::In;
using testing::Init;
using testing::InitFloats;
using testing::InitInts;
using testing::Op;
using testing::T;

// Output i of `n` as inferred (and the test fails when inference does).
std::string Out(const Node* n, int i = 0) {
  absl::StatusOr<NodeInference> r = InferNode(*n, DefaultOpSchemas());
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return "<error>";
  return r->outputs[i].ToString();
}

// The inference error of `n` ("" when inference succeeds).
std::string Err(const Node* n) {
  absl::StatusOr<NodeInference> r = InferNode(*n, DefaultOpSchemas());
  return r.ok() ? "" : std::string(r.status().message());
}

Attribute Ints(std::vector<int64_t> v) { return Attribute(std::move(v)); }
Attribute Int(int64_t v) { return Attribute(v); }
Attribute Str(std::string v) { return Attribute(std::move(v)); }

// ---------------------------------------------------------------- element-wise

TEST(InferenceTest, BinaryOpsBroadcastSymbolicShapes) {
  Graph g;
  In(g, "a", F32({"N", 3, 1}));
  In(g, "b", F32({1, 4}));
  In(g, "c", F32({"N", 3, 4}));
  In(g, "m", F32({"M", 3, 4}));
  In(g, "u", F32({"?", 3, 4}));
  In(g, "s", F32({}));
  EXPECT_EQ(Out(Op(g, "Add", {"a", "b"}, {"ab"})), "float32[N,3,4]");
  EXPECT_EQ(Out(Op(g, "Mul", {"a", "c"}, {"ac"})), "float32[N,3,4]");  // equal symbols match
  EXPECT_EQ(Out(Op(g, "Sub", {"c", "m"}, {"cm"})), "float32[?,3,4]");  // N vs M: unknown
  EXPECT_EQ(Out(Op(g, "Div", {"c", "u"}, {"cu"})), "float32[?,3,4]");
  EXPECT_EQ(Out(Op(g, "Pow", {"s", "c"}, {"sc"})), "float32[N,3,4]");  // scalars broadcast
  EXPECT_EQ(Out(Op(g, "Less", {"a", "b"}, {"lt"})), "bool[N,3,4]");
  EXPECT_EQ(Out(Op(g, "Sum", {"a", "b", "c"}, {"sum"})), "float32[N,3,4]");
  EXPECT_EQ(Out(Op(g, "Max", {"s"}, {"max1"})), "float32[]");
}

TEST(InferenceTest, BinaryOpsReportShapeAndTypeMismatches) {
  Graph g;
  In(g, "a", F32({2, 3}));
  In(g, "b", F32({2, 4}));
  In(g, "i", I64({2, 3}));
  std::string shape_err = Err(Op(g, "Add", {"a", "b"}, {"y"}, {}, 17));
  EXPECT_NE(shape_err.find("cannot broadcast"), std::string::npos) << shape_err;
  EXPECT_NE(shape_err.find("'a'"), std::string::npos) << shape_err;
  EXPECT_NE(shape_err.find("'b'"), std::string::npos) << shape_err;
  std::string type_err = Err(Op(g, "Add", {"a", "i"}, {"z"}));
  EXPECT_NE(type_err.find("float32 vs int64"), std::string::npos) << type_err;
  EXPECT_NE(type_err.find("(Add)"), std::string::npos) << type_err;
  // Before opset 7 a `broadcast` attribute aligned B with A: A's shape wins.
  In(g, "c", F32({3}));
  EXPECT_EQ(Out(Op(g, "Add", {"a", "c"}, {"legacy"}, {{"broadcast", Int(1)}}, 6)), "float32[2,3]");
}

TEST(InferenceTest, UnaryCastWhereAndFriends) {
  Graph g;
  In(g, "x", F32({"N", 8}));
  In(g, "cond", T(DataType::kBool, {1, 8}));
  In(g, "y", F32({"N", 1}));
  In(g, "like", T(DataType::kFloat16, {1}));
  EXPECT_EQ(Out(Op(g, "Relu", {"x"}, {"r"})), "float32[N,8]");
  EXPECT_EQ(Out(Op(g, "LeakyRelu", {"x"}, {"lr"}, {{"alpha", Attribute(0.1f)}})), "float32[N,8]");
  EXPECT_EQ(Out(Op(g, "IsNaN", {"x"}, {"nan"})), "bool[N,8]");
  EXPECT_EQ(Out(Op(g, "Cast", {"x"}, {"c"}, {{"to", Int(static_cast<int64_t>(DataType::kInt32))}})), "int32[N,8]");
  EXPECT_EQ(Out(Op(g, "Cast", {"x"}, {"c1"}, {{"to", Str("DOUBLE")}}, 1)), "float64[N,8]");
  EXPECT_EQ(Out(Op(g, "CastLike", {"x", "like"}, {"cl"})), "float16[N,8]");
  EXPECT_EQ(Out(Op(g, "Where", {"cond", "x", "y"}, {"w"})), "float32[N,8]");
  EXPECT_NE(Err(Op(g, "Where", {"x", "x", "y"}, {"w2"})).find("must be bool"), std::string::npos);
  Node* drop = Op(g, "Dropout", {"x"}, {"d", "mask"}, {}, 13);
  EXPECT_EQ(Out(drop, 0), "float32[N,8]");
  EXPECT_EQ(Out(drop, 1), "bool[N,8]");
  EXPECT_EQ(Out(Op(g, "Identity", {"x"}, {"id"})), "float32[N,8]");
  EXPECT_EQ(Out(Op(g, "Clip", {"x"}, {"clip"}, {{"min", Attribute(0.0f)}}, 6)), "float32[N,8]");
}

// ---------------------------------------------------------------- math

TEST(InferenceTest, MatMulBroadcastsBatchesAndChecksInnerDims) {
  Graph g;
  In(g, "a", F32({"B", 1, "M", 3}));
  In(g, "b", F32({"H", 3, 5}));
  In(g, "v", F32({3}));
  In(g, "w", F32({4, 5}));
  EXPECT_EQ(Out(Op(g, "MatMul", {"a", "b"}, {"ab"})), "float32[B,H,M,5]");
  EXPECT_EQ(Out(Op(g, "MatMul", {"v", "b"}, {"vb"})), "float32[H,5]");
  EXPECT_EQ(Out(Op(g, "MatMul", {"a", "v"}, {"av"})), "float32[B,1,M]");
  std::string err = Err(Op(g, "MatMul", {"a", "w"}, {"aw"}));
  EXPECT_NE(err.find("inner dimensions differ"), std::string::npos) << err;
  EXPECT_NE(err.find("(3 vs 4)"), std::string::npos) << err;
  EXPECT_NE(err.find("'a'"), std::string::npos) << err;
  EXPECT_NE(err.find("'w'"), std::string::npos) << err;
}

TEST(InferenceTest, GemmHonoursTransposes) {
  Graph g;
  In(g, "a", F32({7, "M"}));
  In(g, "b", F32({5, 7}));
  In(g, "c", F32({5}));
  In(g, "a2", F32({3, 7}));
  EXPECT_EQ(Out(Op(g, "Gemm", {"a", "b", "c"}, {"y"}, {{"transA", Int(1)}, {"transB", Int(1)}})), "float32[M,5]");
  std::string err = Err(Op(g, "Gemm", {"a2", "b"}, {"z"}));
  EXPECT_NE(err.find("inner dimensions differ"), std::string::npos) << err;
  EXPECT_NE(err.find("(7 vs 5)"), std::string::npos) << err;
}

TEST(InferenceTest, ReductionsArgReductionsAndTopK) {
  Graph g;
  In(g, "x", F32({"N", 4, 6}));
  InitInts(g, "axes", {-1});
  InitInts(g, "k", {3});
  EXPECT_EQ(Out(Op(g, "ReduceMean", {"x"}, {"m"}, {{"axes", Ints({1})}}, 13)), "float32[N,1,6]");
  EXPECT_EQ(Out(Op(g, "ReduceSum", {"x", "axes"}, {"s"}, {{"keepdims", Int(0)}}, 13)), "float32[N,4]");
  EXPECT_EQ(Out(Op(g, "ReduceMax", {"x"}, {"all"}, {{"keepdims", Int(0)}}, 13)), "float32[]");
  EXPECT_EQ(Out(Op(g, "ReduceSum", {"x"}, {"noop"}, {{"noop_with_empty_axes", Int(1)}}, 13)), "float32[N,4,6]");
  EXPECT_EQ(Out(Op(g, "ArgMax", {"x"}, {"am"}, {{"axis", Int(2)}, {"keepdims", Int(0)}})), "int64[N,4]");
  Node* topk = Op(g, "TopK", {"x", "k"}, {"vals", "idx"});
  EXPECT_EQ(Out(topk, 0), "float32[N,4,3]");
  EXPECT_EQ(Out(topk, 1), "int64[N,4,3]");
  EXPECT_EQ(Out(Op(g, "Softmax", {"x"}, {"sm"})), "float32[N,4,6]");
  EXPECT_NE(Err(Op(g, "Softmax", {"x"}, {"sm2"}, {{"axis", Int(3)}})).find("out of range"), std::string::npos);
}

// ---------------------------------------------------------------- nn

TEST(InferenceTest, ConvPadsStridesDilationsAndAutoPad) {
  Graph g;
  In(g, "x", F32({"N", 3, 32, 32}));
  InitFloats(g, "w", std::vector<float>(8 * 3 * 3 * 3), {8, 3, 3, 3});
  InitFloats(g, "wg", std::vector<float>(8 * 1 * 3 * 3), {8, 1, 3, 3});
  InitFloats(g, "wt", std::vector<float>(3 * 2 * 3 * 3), {3, 2, 3, 3});
  EXPECT_EQ(Out(Op(g, "Conv", {"x", "w"}, {"c0"})), "float32[N,8,30,30]");
  EXPECT_EQ(Out(Op(g, "Conv", {"x", "w"}, {"c1"}, {{"pads", Ints({1, 1, 1, 1})}, {"strides", Ints({2, 2})}})),
            "float32[N,8,16,16]");
  EXPECT_EQ(Out(Op(g, "Conv", {"x", "w"}, {"c2"}, {{"dilations", Ints({2, 2})}})), "float32[N,8,28,28]");
  EXPECT_EQ(Out(Op(g, "Conv", {"x", "w"}, {"c3"}, {{"auto_pad", Str("SAME_UPPER")}, {"strides", Ints({3, 3})}})),
            "float32[N,8,11,11]");
  EXPECT_EQ(Out(Op(g, "Conv", {"x", "w"}, {"c4"}, {{"auto_pad", Str("VALID")}, {"strides", Ints({2, 2})}})),
            "float32[N,8,15,15]");
  std::string err = Err(Op(g, "Conv", {"x", "wg"}, {"c5"}));
  EXPECT_NE(err.find("input channels 3"), std::string::npos) << err;
  EXPECT_NE(err.find("group 1"), std::string::npos) << err;
  EXPECT_EQ(Out(Op(g, "ConvTranspose", {"x", "wt"}, {"t0"}, {{"strides", Ints({2, 2})}, {"pads", Ints({1, 1, 1, 1})}})),
            "float32[N,2,63,63]");
  EXPECT_EQ(Out(Op(g, "ConvTranspose", {"x", "wt"}, {"t1"}, {{"output_shape", Ints({40, 41})}})),
            "float32[N,2,40,41]");
  EXPECT_NE(Err(Op(g, "ConvTranspose", {"x", "w"}, {"t2"})).find("weight dim 0"), std::string::npos);
}

TEST(InferenceTest, PoolsAndNormalizations) {
  Graph g;
  In(g, "x", F32({"N", 4, 7, 7}));
  In(g, "c", F32({4}));
  Node* mp = Op(g, "MaxPool", {"x"}, {"mp", "mpi"}, {{"kernel_shape", Ints({2, 2})}, {"strides", Ints({2, 2})}});
  EXPECT_EQ(Out(mp, 0), "float32[N,4,3,3]");
  EXPECT_EQ(Out(mp, 1), "int64[N,4,3,3]");
  EXPECT_EQ(Out(Op(g, "MaxPool", {"x"}, {"mpc"},
                   {{"kernel_shape", Ints({3, 3})}, {"strides", Ints({2, 2})}, {"ceil_mode", Int(1)}})),
            "float32[N,4,3,3]");
  EXPECT_EQ(Out(Op(g, "AveragePool", {"x"}, {"ap"}, {{"kernel_shape", Ints({3, 3})}, {"pads", Ints({1, 1, 1, 1})}})),
            "float32[N,4,7,7]");
  EXPECT_EQ(Out(Op(g, "GlobalAveragePool", {"x"}, {"gap"})), "float32[N,4,1,1]");
  EXPECT_EQ(Out(Op(g, "BatchNormalization", {"x", "c", "c", "c", "c"}, {"bn"}, {}, 15)), "float32[N,4,7,7]");
  Node* ln = Op(g, "LayerNormalization", {"x", "c"}, {"ln", "mean", "inv"}, {{"axis", Int(2)}});
  EXPECT_EQ(Out(ln, 0), "float32[N,4,7,7]");
  EXPECT_EQ(Out(ln, 1), "float32[N,4,1,1]");
  EXPECT_EQ(Out(Op(g, "InstanceNormalization", {"x", "c", "c"}, {"in"})), "float32[N,4,7,7]");
}

// ---------------------------------------------------------------- shapes

TEST(InferenceTest, ReshapeWithConstantShape) {
  Graph g;
  In(g, "x", F32({"N", 3, 4}));
  In(g, "k", F32({2, 3, 4}));
  InitInts(g, "s1", {0, -1});
  InitInts(g, "s2", {4, 6});
  InitInts(g, "s3", {5, -1});
  EXPECT_EQ(Out(Op(g, "Reshape", {"x", "s1"}, {"r1"})), "float32[N,12]");
  EXPECT_EQ(Out(Op(g, "Reshape", {"k", "s2"}, {"r2"})), "float32[4,6]");
  EXPECT_NE(Err(Op(g, "Reshape", {"k", "s3"}, {"r3"})).find("do not divide"), std::string::npos);
  EXPECT_EQ(Out(Op(g, "Reshape", {"k"}, {"r4"}, {{"shape", Ints({24})}}, 1)), "float32[24]");
}

TEST(InferenceTest, ShapeComputationsPropagateSymbolically) {
  // Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])) keeps the batch symbol.
  Graph g;
  In(g, "x", F32({"N", 3, 4}));
  InitInts(g, "zero", {0});
  InitInts(g, "minus_one", {-1});
  Init(g, "idx", Tensor::Scalar<int64_t>(0));
  Op(g, "Shape", {"x"}, {"shape"});
  Op(g, "Gather", {"shape", "idx"}, {"batch"});
  Op(g, "Unsqueeze", {"batch", "zero"}, {"batch1"});
  Op(g, "Concat", {"batch1", "minus_one"}, {"target"}, {{"axis", Int(0)}});
  Op(g, "Reshape", {"x", "target"}, {"y"});
  Op(g, "Expand", {"x", "shape"}, {"e"});
  Op(g, "ConstantOfShape", {"shape"}, {"zeros"});
  Op(g, "Size", {"x"}, {"size"});
  ASSERT_TRUE(PropagateShapes(g).ok());
  EXPECT_EQ(g.FindValue("shape")->type().ToString(), "int64[3]");
  EXPECT_EQ(g.FindValue("batch")->type().ToString(), "int64[]");
  EXPECT_EQ(g.FindValue("target")->type().ToString(), "int64[2]");
  EXPECT_EQ(g.FindValue("y")->type().ToString(), "float32[N,12]");
  EXPECT_EQ(g.FindValue("e")->type().ToString(), "float32[N,3,4]");
  EXPECT_EQ(g.FindValue("zeros")->type().ToString(), "float32[N,3,4]");
  EXPECT_EQ(g.FindValue("size")->type().ToString(), "int64[]");
}

TEST(InferenceTest, FlattenTransposeSqueezeUnsqueeze) {
  Graph g;
  In(g, "x", F32({"N", 1, 3, 4}));
  InitInts(g, "ax1", {1});
  InitInts(g, "ax_neg", {-1});
  EXPECT_EQ(Out(Op(g, "Flatten", {"x"}, {"f"})), "float32[N,12]");
  EXPECT_EQ(Out(Op(g, "Flatten", {"x"}, {"f2"}, {{"axis", Int(-1)}})), "float32[?,4]");  // N*3 has no name
  EXPECT_EQ(Out(Op(g, "Transpose", {"x"}, {"t"}, {{"perm", Ints({0, 2, 3, 1})}})), "float32[N,3,4,1]");
  EXPECT_EQ(Out(Op(g, "Transpose", {"x"}, {"t2"})), "float32[4,3,1,N]");
  EXPECT_EQ(Out(Op(g, "Squeeze", {"x", "ax1"}, {"sq"})), "float32[N,3,4]");
  EXPECT_EQ(Out(Op(g, "Squeeze", {"x"}, {"sq11"}, {{"axes", Ints({1})}}, 11)), "float32[N,3,4]");
  EXPECT_NE(Err(Op(g, "Squeeze", {"x"}, {"sq_bad"}, {{"axes", Ints({2})}}, 11)).find("not 1"), std::string::npos);
  EXPECT_EQ(Out(Op(g, "Unsqueeze", {"x", "ax_neg"}, {"us"})), "float32[N,1,3,4,1]");
  EXPECT_EQ(Out(Op(g, "Unsqueeze", {"x"}, {"us11"}, {{"axes", Ints({0})}}, 11)), "float32[1,N,1,3,4]");
}

// ---------------------------------------------------------------- data movement

TEST(InferenceTest, ConcatSplitSliceGather) {
  Graph g;
  In(g, "a", F32({"N", 2, 5}));
  In(g, "b", F32({"N", 3, 5}));
  In(g, "bad", F32({"N", 3, 6}));
  InitInts(g, "split", {1, 4});
  InitInts(g, "starts", {1, -3});
  InitInts(g, "ends", {std::numeric_limits<int64_t>::max(), -1});
  InitInts(g, "axes", {1, 2});
  In(g, "idx", I64({7, 2}));
  EXPECT_EQ(Out(Op(g, "Concat", {"a", "b"}, {"c"}, {{"axis", Int(1)}})), "float32[N,5,5]");
  EXPECT_NE(Err(Op(g, "Concat", {"a", "bad"}, {"c2"}, {{"axis", Int(1)}})).find("differ in dim 2"), std::string::npos);
  Node* split = Op(g, "Split", {"a", "split"}, {"s0", "s1"}, {{"axis", Int(2)}});
  EXPECT_EQ(Out(split, 0), "float32[N,2,1]");
  EXPECT_EQ(Out(split, 1), "float32[N,2,4]");
  Node* even = Op(g, "Split", {"b"}, {"e0", "e1", "e2"}, {{"axis", Int(1)}});
  EXPECT_EQ(Out(even, 2), "float32[N,1,5]");
  EXPECT_NE(Err(Op(g, "Split", {"a", "split"}, {"x0", "x1"}, {{"axis", Int(1)}})).find("sum to 5"), std::string::npos);
  EXPECT_EQ(Out(Op(g, "Slice", {"b", "starts", "ends", "axes"}, {"sl"})), "float32[N,2,2]");
  EXPECT_EQ(Out(Op(g, "Slice", {"b"}, {"sl9"}, {{"starts", Ints({0})}, {"ends", Ints({2})}, {"axes", Ints({1})}}, 9)),
            "float32[N,2,5]");
  EXPECT_EQ(Out(Op(g, "Gather", {"b", "idx"}, {"ga"}, {{"axis", Int(2)}})), "float32[N,3,7,2]");
}

TEST(InferenceTest, PadTileRangeResize) {
  Graph g;
  In(g, "x", F32({"N", 3, 8, 8}));
  InitInts(g, "pads", {0, 0, 1, 2, 0, 0, 3, 4});
  InitInts(g, "reps", {1, 2, 1, 3});
  Init(g, "start", Tensor::Scalar<int64_t>(2));
  Init(g, "limit", Tensor::Scalar<int64_t>(11));
  Init(g, "delta", Tensor::Scalar<int64_t>(3));
  InitFloats(g, "scales", {1, 1, 2, 0.5f}, {4});
  InitInts(g, "sizes", {1, 3, 5, 6});
  EXPECT_EQ(Out(Op(g, "Pad", {"x", "pads"}, {"p"})), "float32[N,3,12,14]");
  EXPECT_EQ(Out(Op(g, "Pad", {"x"}, {"p2"}, {{"pads", Ints({0, 0, 1, 1, 0, 0, 1, 1})}}, 2)), "float32[N,3,10,10]");
  EXPECT_EQ(Out(Op(g, "Tile", {"x", "reps"}, {"t"})), "float32[N,6,8,24]");
  EXPECT_EQ(Out(Op(g, "Range", {"start", "limit", "delta"}, {"r"})), "int64[3]");
  EXPECT_EQ(Out(Op(g, "Resize", {"x", "", "scales"}, {"rs"})), "float32[N,3,16,4]");
  EXPECT_EQ(Out(Op(g, "Resize", {"x", "", "", "sizes"}, {"rz"})), "float32[1,3,5,6]");
  EXPECT_EQ(Out(Op(g, "Upsample", {"x"}, {"up"}, {{"scales", Attribute(std::vector<float>{1, 1, 2, 2})}}, 7)),
            "float32[N,3,16,16]");
}

// ---------------------------------------------------------------- fused ops

TEST(InferenceTest, BraidFusedOps) {
  Graph g;
  In(g, "x", F32({"N", 3, 8, 8}));
  InitFloats(g, "w", std::vector<float>(4 * 3 * 3 * 3), {4, 3, 3, 3});
  In(g, "z", F32({"N", 4, 8, 8}));
  In(g, "zbad", F32({"N", 4, 6, 6}));
  In(g, "a", F32({"B", 7, 5}));
  InitFloats(g, "b", std::vector<float>(5 * 6), {5, 6});
  InitFloats(g, "bias", std::vector<float>(6), {6});
  InitFloats(g, "bias_bad", std::vector<float>(5), {5});
  std::map<std::string, Attribute> conv = {{"pads", Ints({1, 1, 1, 1})}, {"activation", Str("Relu")}};
  EXPECT_EQ(Out(Op(g, "FusedConv", {"x", "w", "", "z"}, {"fc"}, conv, 1, kBraidDomain)), "float32[N,4,8,8]");
  std::string z_err = Err(Op(g, "FusedConv", {"x", "w", "", "zbad"}, {"fc2"}, conv, 1, kBraidDomain));
  EXPECT_NE(z_err.find("residual Z"), std::string::npos) << z_err;
  EXPECT_EQ(Out(Op(g, "FusedMatMul", {"a", "b", "bias"}, {"fm"}, {}, 1, kBraidDomain)), "float32[B,7,6]");
  EXPECT_NE(Err(Op(g, "FusedMatMul", {"a", "b", "bias_bad"}, {"fm2"}, {}, 1, kBraidDomain)).find("bias"),
            std::string::npos);
  std::string act_err =
      Err(Op(g, "FusedMatMul", {"a", "b"}, {"fm3"}, {{"activation", Str("Swish")}}, 1, kBraidDomain));
  EXPECT_NE(act_err.find("unknown fused activation 'Swish'"), std::string::npos) << act_err;
}

}  // namespace
}  // namespace braid::graph
