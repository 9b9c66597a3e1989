/**
 * Finding faces in a whole camera frame before a face is embedded: the detector contract
 * ({@link io.facegate.model.face.FaceDetector}, {@link io.facegate.model.face.FaceBox}), the
 * pre-processing and post-processing of face-api's SSD MobileNetV1 (square padding and bilinear
 * resize, anchor decoding, non-maximum suppression) and its ONNX Runtime wrapper.
 *
 * <p>Everything but {@link io.facegate.model.face.OnnxFaceDetector} is plain Java, so trainer,
 * evaluation and processor share one definition and the post-processing is unit-tested without
 * a model. Network outputs are untrusted: a NaN or infinite value fails the whole image
 * (an {@link io.facegate.model.onnx.InferenceException}), it is never read as a face.
 */
package io.facegate.model.face;
