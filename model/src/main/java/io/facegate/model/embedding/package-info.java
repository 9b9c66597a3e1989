/**
 * Embedding arithmetic that the trainer (evaluation, calibration) and the stream processor (access
 * decisions) must compute identically. Pure: imports only {@code java.*}, enforced by checkstyle
 * import-control.
 */
package io.facegate.model.embedding;
