/**
 * Fine-tuning on a pretrained backbone: resolve {@code --backbone}, embed every image once with the
 * backbone in ONNX Runtime, train a projection head on the cached embeddings with DJL.
 */
package io.facegate.trainer.finetune;
