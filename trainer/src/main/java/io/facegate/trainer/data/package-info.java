/** Folder-per-identity face datasets, identity-disjoint splits, and pair / P x K batch sampling. */
package io.facegate.trainer.data;
