package io.facegate.processor.topology;

import io.facegate.processor.core.embedding.Gallery;
import io.facegate.schemas.EnrolledTemplate;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the in-memory {@link Gallery} in step with the global embedding store, on the global
 * thread: at start it loads everything restored into the store, then applies each update and
 * tombstone as it arrives. The store keeps raw bytes, so a template that cannot be read is set
 * aside as invalid (1:1 denies it with INVALID_TEMPLATE) instead of stopping the global thread.
 */
final class GalleryUpdater implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(GalleryUpdater.class);

  private final Deserializer<EnrolledTemplate> templates;
  private final String topic;
  private final Gallery gallery;
  private final ProcessingObserver observer;
  private KeyValueStore<String, byte[]> store;

  GalleryUpdater(
      Deserializer<EnrolledTemplate> templates,
      String topic,
      Gallery gallery,
      ProcessingObserver observer) {
    this.templates = templates;
    this.topic = topic;
    this.gallery = gallery;
    this.observer = observer;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(FacegateTopology.GALLERY_STORE);
    gallery.clear();
    int n = 0;
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        apply(kv.key, kv.value);
        n++;
      }
    }
    LOG.info(
        "gallery loaded: {} identities from the embedding store, {} comparable with model {}",
        n,
        gallery.size(),
        gallery.modelVersion());
    observer.galleryLoaded(n);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      LOG.warn("embedding-store record without key ignored");
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
    apply(record.key(), record.value());
  }

  private void apply(String identity, byte[] value) {
    if (value == null) {
      gallery.remove(identity);
      return;
    }
    EnrolledTemplate t;
    try {
      t = templates.deserialize(topic, value);
    } catch (RuntimeException e) {
      LOG.warn("unreadable template for {} set aside: {}", identity, e.toString());
      gallery.markInvalid(identity, "unreadable: " + e.getMessage());
      return;
    }
    if (t == null || t.getEmbedding() == null) {
      gallery.markInvalid(identity, "empty template");
      return;
    }
    List<Float> values = t.getEmbedding();
    if (t.getEmbeddingDim() != values.size()) {
      gallery.markInvalid(
          identity, "embeddingDim " + t.getEmbeddingDim() + " but " + values.size() + " values");
      return;
    }
    float[] v = new float[values.size()];
    for (int i = 0; i < v.length; i++) {
      Float f = values.get(i);
      v[i] = f == null ? Float.NaN : f;
    }
    Gallery.PutOutcome outcome = gallery.put(identity, v, t.getModelVersion());
    if (outcome != Gallery.PutOutcome.STORED) {
      LOG.warn("template of {} not comparable: {}", identity, outcome);
    }
  }
}
