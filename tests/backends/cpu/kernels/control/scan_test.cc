#include <string>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/control/graph_builder.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

using graph::Attribute;

Value F(std::vector<float> v, Shape s) { return Value(Tensor::FromVector<float>(v, std::move(s))); }

// Body: sum_out = sum_in + x_t; scan_out = sum_out.
GraphBuilder SumBody(Shape elem) {
  GraphBuilder body("body");
  body.Input("sum_in", FloatType(elem)).Input("x_t", FloatType(elem));
  body.Node("Add", {"sum_in", "x_t"}, {"sum_out"});
  body.Node("Identity", {"sum_out"}, {"scan_out"});
  body.Output("sum_out").Output("scan_out");
  return body;
}

TEST(ScanKernel, Opset9ScansAnAxisBackwardAndPrependsAlongAnOutputAxis) {
  // x is [2, 3]: scanning axis 1 backward sees columns 2, 1, 0.
  GraphBuilder body = SumBody({2});
  GraphBuilder outer("main", 11);
  outer.Input("init", FloatType({2})).Input("x", FloatType({2, 3}));
  outer.Node("Scan", {"init", "x"}, {"sum", "partials"},
             {{"body", body.AsAttribute()},
              {"num_scan_inputs", Attribute(int64_t{1})},
              {"scan_input_axes", Attribute(std::vector<int64_t>{-1})},
              {"scan_input_directions", Attribute(std::vector<int64_t>{1})},
              {"scan_output_axes", Attribute(std::vector<int64_t>{1})},
              {"scan_output_directions", Attribute(std::vector<int64_t>{1})}});
  outer.Output("sum").Output("partials");
  auto out = RunGraph(*outer.Build(), {F({0, 0}, {2}), F({1, 2, 3, 10, 20, 30}, {2, 3})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({6, 60}, {2})));
  // Steps give partial sums [3,30], [5,50], [6,60]; prepending reverses them
  // and axis 1 lays them out as columns.
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>({6, 5, 3, 60, 50, 30}, {2, 3})));
}

TEST(ScanKernel, Opset9ZipsTwoInputsWithDifferentDirections) {
  GraphBuilder body("body");
  body.Input("a_t", FloatType({})).Input("b_t", FloatType({}));
  body.Node("Sub", {"a_t", "b_t"}, {"d"});
  body.Output("d");
  GraphBuilder outer("main", 16);
  outer.Input("a", FloatType({3})).Input("b", FloatType({3}));
  outer.Node("Scan", {"a", "b"}, {"d"},
             {{"body", body.AsAttribute()},
              {"num_scan_inputs", Attribute(int64_t{2})},
              {"scan_input_directions", Attribute(std::vector<int64_t>{0, 1})}});
  outer.Output("d");
  auto out = RunGraph(*outer.Build(), {F({1, 2, 3}, {3}), F({10, 20, 30}, {3})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({-29, -18, -7}, {3})));
}

TEST(ScanKernel, Opset9RejectsScanInputsOfDifferentLengths) {
  GraphBuilder body("body");
  body.Input("a_t", FloatType({})).Input("b_t", FloatType({}));
  body.Node("Sub", {"a_t", "b_t"}, {"d"});
  body.Output("d");
  GraphBuilder outer("main", 11);
  outer.Input("a", FloatType({3})).Input("b", FloatType({2}));
  outer.Node("Scan", {"a", "b"}, {"d"}, {{"body", body.AsAttribute()}, {"num_scan_inputs", Attribute(int64_t{2})}});
  outer.Output("d");
  auto out = RunGraph(*outer.Build(), {F({1, 2, 3}, {3}), F({10, 20}, {2})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("has length 2"), std::string::npos) << out.status();
}

std::shared_ptr<graph::Graph> Opset8Scan(bool reverse) {
  GraphBuilder body = SumBody({1});
  GraphBuilder outer("main", 8);
  outer.Input("lens", TypeOf(DataType::kInt64, {2})).Input("init", FloatType({2, 1})).Input("x", FloatType({2, 3, 1}));
  std::map<std::string, Attribute> attrs = {{"body", body.AsAttribute()}, {"num_scan_inputs", Attribute(int64_t{1})}};
  if (reverse) attrs.emplace("directions", Attribute(std::vector<int64_t>{1}));
  outer.Node("Scan", {"lens", "init", "x"}, {"sum", "partials"}, attrs);
  outer.Output("sum").Output("partials");
  return outer.Build();
}

TEST(ScanKernel, Opset8ScansEachBatchEntryUpToItsSequenceLength) {
  auto out = RunGraph(*Opset8Scan(false), {Value(Tensor::FromVector<int64_t>({3, 2}, {2})), F({0, 100}, {2, 1}),
                                           F({1, 2, 3, 4, 5, 6}, {2, 3, 1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({6, 109}, {2, 1})));
  // Batch 1 has two steps; its third scan-output row is padding (zeros).
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>({1, 3, 6, 104, 109, 0}, {2, 3, 1})));
}

TEST(ScanKernel, Opset8ReverseStartsAtTheLastValidStep) {
  auto out = RunGraph(*Opset8Scan(true), {Value(Tensor::FromVector<int64_t>({3, 2}, {2})), F({0, 100}, {2, 1}),
                                          F({1, 2, 3, 4, 5, 6}, {2, 3, 1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({6, 109}, {2, 1})));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>({3, 5, 6, 105, 109, 0}, {2, 3, 1})));
}

TEST(ScanKernel, Opset8RejectsSequenceLengthsBeyondTheInput) {
  auto out = RunGraph(*Opset8Scan(false), {Value(Tensor::FromVector<int64_t>({4, 2}, {2})), F({0, 100}, {2, 1}),
                                           F({1, 2, 3, 4, 5, 6}, {2, 3, 1})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("sequence_lens[0] = 4"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
