/**
 * The liveness stage: whether a face crop shows a live person, scored by a model and compared with
 * a policy threshold. Pure {@code java.*}; the ONNX-backed check is {@link
 * io.facegate.model.onnx.OnnxLivenessCheck}.
 */
package io.facegate.model.liveness;
