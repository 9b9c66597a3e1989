/**
 * Bringing pretrained networks in from other ecosystems at build time: the pinned,
 * integrity-checked fetch of npm packages ({@link io.facegate.trainer.pretrained.PretrainedFetch}),
 * the TF.js weights reader ({@link io.facegate.trainer.pretrained.TfjsWeights}) and the TF.js
 * graph-model to ONNX importer. Weights are never committed; they are fetched into {@code
 * .facegate/pretrained/}.
 */
package io.facegate.trainer.pretrained;
