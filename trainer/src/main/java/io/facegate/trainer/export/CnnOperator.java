package io.facegate.trainer.export;

import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * The ONNX operators facegate's models are written with: the trained embedding network's and those
 * the TF.js graph importer maps TF ops to (Tribuo's {@code ONNXOperators} lacks most; Gemm it has,
 * and it is listed here too so there is one vocabulary). Opset 17, so ReduceMean takes its axes as
 * an attribute while ReduceSum and Squeeze take them as an input. Attributes are written by {@link
 * OnnxGraphWriter} in sorted order, so this enum declares none.
 */
public enum CnnOperator implements ONNXOperator {
  INSTANCE_NORMALIZATION("InstanceNormalization", 3, 0),
  CONV("Conv", 2, 1),
  BATCH_NORMALIZATION("BatchNormalization", 5, 0),
  RELU("Relu", 1, 0),
  MAX_POOL("MaxPool", 1, 0),
  AVERAGE_POOL("AveragePool", 1, 0),
  FLATTEN("Flatten", 1, 0),
  GLOBAL_AVERAGE_POOL("GlobalAveragePool", 1, 0),
  GEMM("Gemm", 2, 1),
  LP_NORMALIZATION("LpNormalization", 1, 0),
  TRANSPOSE("Transpose", 1, 0),
  ADD("Add", 2, 0),
  SUB("Sub", 2, 0),
  MUL("Mul", 2, 0),
  DIV("Div", 2, 0),
  MIN("Min", 1, 1),
  MAX("Max", 1, 1),
  ABS("Abs", 1, 0),
  SQRT("Sqrt", 1, 0),
  RECIPROCAL("Reciprocal", 1, 0),
  SIGMOID("Sigmoid", 1, 0),
  SOFTMAX("Softmax", 1, 0),
  CLIP("Clip", 1, 2),
  PRELU("PRelu", 2, 0),
  MATMUL("MatMul", 2, 0),
  REDUCE_MEAN("ReduceMean", 1, 0),
  REDUCE_SUM("ReduceSum", 1, 1),
  SQUEEZE("Squeeze", 1, 1),
  RESHAPE("Reshape", 2, 0),
  PAD("Pad", 2, 1),
  IDENTITY("Identity", 1, 0),
  /** Variadic; 64 inputs is more than any facegate graph joins. */
  CONCAT("Concat", 1, 63),
  GATHER("Gather", 2, 0),
  LOG("Log", 1, 0),
  POW("Pow", 2, 0),
  /** Opset 13+: starts and ends, optional axes and steps, all as inputs. */
  SLICE("Slice", 3, 2);

  /** The opset every node is written for. */
  public static final int OPSET = 17;

  private final String opName;
  private final int inputs;
  private final int optionalInputs;

  CnnOperator(String opName, int inputs, int optionalInputs) {
    this.opName = opName;
    this.inputs = inputs;
    this.optionalInputs = optionalInputs;
  }

  @Override
  public String getOpName() {
    return opName;
  }

  @Override
  public int getNumInputs() {
    return inputs;
  }

  @Override
  public int getNumOptionalInputs() {
    return optionalInputs;
  }

  @Override
  public int getNumOutputs() {
    return 1;
  }

  @Override
  public Map<String, ONNXAttribute> getAttributes() {
    return Map.of();
  }

  @Override
  public Set<String> getMandatoryAttributeNames() {
    return Set.of();
  }

  @Override
  public int getOpVersion() {
    return OPSET;
  }

  @Override
  public String getOpDomain() {
    return "";
  }
}
