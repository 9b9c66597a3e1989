/**
 * ONNX export of the trained embedding network, built from ONNX protobufs with no Python involved.
 */
package io.facegate.trainer.export;
