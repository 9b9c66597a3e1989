/**
 * End-to-end train and evaluate runs behind {@code facegate train} and {@code facegate evaluate}.
 */
package io.facegate.trainer.pipeline;
