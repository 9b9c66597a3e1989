package io.facegate.trainer.export;

import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * The ONNX operators the embedding network needs that Tribuo's {@code ONNXOperators} does not
 * define (Gemm it does; it is listed here too so the exporter has one vocabulary). Opset 17.
 * Attributes are written by {@link OnnxExporter} in sorted order, so this enum declares none.
 */
enum CnnOperator implements ONNXOperator {
  INSTANCE_NORMALIZATION("InstanceNormalization", 3, 0),
  CONV("Conv", 2, 1),
  BATCH_NORMALIZATION("BatchNormalization", 5, 0),
  RELU("Relu", 1, 0),
  MAX_POOL("MaxPool", 1, 0),
  FLATTEN("Flatten", 1, 0),
  GLOBAL_AVERAGE_POOL("GlobalAveragePool", 1, 0),
  GEMM("Gemm", 2, 1),
  LP_NORMALIZATION("LpNormalization", 1, 0);

  /** The opset every node is written for. */
  static final int OPSET = 17;

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
