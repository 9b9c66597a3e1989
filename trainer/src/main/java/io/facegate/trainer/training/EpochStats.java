package io.facegate.trainer.training;

/**
 * What one epoch achieved.
 *
 * @param epoch 1-based
 * @param trainLoss mean loss of the epoch's training steps
 * @param validationLoss loss on fixed validation batches, eval mode, no augmentation
 * @param validationEer EER over all validation pairs
 * @param seconds wall-clock time of the epoch, validation included
 */
public record EpochStats(
    int epoch, double trainLoss, double validationLoss, double validationEer, double seconds) {}
