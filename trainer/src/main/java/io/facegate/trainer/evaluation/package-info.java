/** Verification and identification metrics on held-out people; pure Java, no DJL. */
package io.facegate.trainer.evaluation;
