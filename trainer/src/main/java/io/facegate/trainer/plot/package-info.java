/** PNG charts of training and evaluation (JFreeChart, rendered off-screen). */
package io.facegate.trainer.plot;
