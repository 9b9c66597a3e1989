/** The JSON files other tools read: {@code model-card.json} and {@code evaluation.json}. */
package io.facegate.trainer.report;
