package io.facegate.platform.topics;

/**
 * The largest record facegate's input topics and the clients that write them accept, in one place,
 * so that a broker, a topic and a producer never disagree about what fits.
 *
 * <p>Kafka's defaults allow about 1 MiB per record (broker {@code message.max.bytes}, producer
 * {@code max.request.size}), while the processor accepts images of up to 8 MiB ({@code
 * processor.image.max-bytes}). {@link TopicAdmin} therefore sets {@code max.message.bytes} = {@link
 * #MAX_INPUT_RECORD_BYTES} on {@code camera-frames} and {@code enrollments}, and every facegate
 * producer of those topics sets {@code max.request.size} to the same value. A frame between the
 * processor's limit and this one reaches the processor and is denied {@code IMAGE_TOO_LARGE}; a
 * bigger one is refused to its publisher ({@code RecordTooLargeException}) and never enters the
 * system. The processor sizes its own batch-buffer changelog and producer from its image limit
 * (stream-processor {@code TopologyConfig.bufferEntryLimit}).
 *
 * <p>Consumer fetch sizes ({@code max.partition.fetch.bytes}, {@code fetch.max.bytes}) are soft
 * limits in Kafka (a record larger than them is still returned, alone), so they need not follow.
 */
public final class RecordSizes {

  /**
   * {@code max.message.bytes} of {@code camera-frames} and {@code enrollments} and {@code
   * max.request.size} of their producers: 9 MiB, an image of the processor's default maximum (8
   * MiB) with its Avro envelope and room to spare.
   */
  public static final int MAX_INPUT_RECORD_BYTES = 9 * 1024 * 1024;

  private RecordSizes() {}
}
