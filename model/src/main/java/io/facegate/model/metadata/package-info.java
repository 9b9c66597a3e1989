/**
 * The model-metadata contract: what an exported model promises (input pre-processing, embedding
 * size, distance, calibrated threshold, provenance), stored as ONNX {@code metadata_props}.
 */
package io.facegate.model.metadata;
