/**
 * The DJL training loop: seeded sampling, Adam with a cosine schedule, early stopping on validation
 * EER.
 */
package io.facegate.trainer.training;
