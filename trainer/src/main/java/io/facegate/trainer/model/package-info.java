/**
 * The shared-weight CNN that maps a face to an L2-normalised embedding (both Siamese branches use
 * it).
 */
package io.facegate.trainer.model;
