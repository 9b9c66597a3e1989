/**
 * Image decoding and model pre-processing, defined once and shared by the trainer (training,
 * evaluation, parity checks) and the stream processor (inference). Pure: imports only {@code
 * java.*} and {@code javax.imageio}, enforced by checkstyle import-control.
 */
package io.facegate.model.preprocess;
