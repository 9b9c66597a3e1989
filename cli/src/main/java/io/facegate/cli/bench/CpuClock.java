package io.facegate.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of this JVM: the whole process (native ONNX Runtime threads included) and, from {@link
 * ThreadMXBean}, its Java threads grouped by name: Kafka Streams threads, the processor's worker
 * threads (decoding, pre-processing, inference), and everything else (the in-process broker, the
 * load generator, the collectors, GC and JIT are in the process figure only). A thread that ends
 * between two readings takes its CPU time with it, so the groups err low; the process figure does
 * not.
 */
public final class CpuClock {
  /** Thread-name parts that identify a group (no thread name has both). */
  private static final Map<String, String> GROUPS =
      Map.of(
          "-StreamThread-", "stream_threads",
          "-worker-", "processor_workers");

  static final String OTHER = "other_java_threads";

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * One reading.
   *
   * @param processNanos CPU time of the whole process
   * @param groupNanos CPU time of the live Java threads, by group
   */
  public record Reading(long processNanos, Map<String, Long> groupNanos) {
    /**
     * CPU milliseconds per event between {@code earlier} and this reading: {@code process} and each
     * group.
     */
    public Map<String, Double> perEventMsSince(Reading earlier, long events) {
      Map<String, Double> out = new LinkedHashMap<>();
      double n = Math.max(1, events);
      out.put("process", (processNanos - earlier.processNanos) / 1e6 / n);
      for (String g : groupNanos.keySet()) {
        out.put(g, (groupNanos.get(g) - earlier.groupNanos.getOrDefault(g, 0L)) / 1e6 / n);
      }
      return out;
    }
  }

  private CpuClock() {}

  /** CPU time of the process, or -1 where the JVM does not report it. */
  public static long processNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** CPU time of the calling thread. */
  public static long threadNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /** Reads the process and every live thread now. */
  public static Reading read() {
    Map<String, Long> groups = new LinkedHashMap<>();
    groups.put("stream_threads", 0L);
    groups.put("processor_workers", 0L);
    groups.put(OTHER, 0L);
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = THREADS.getThreadCpuTime(ids[i]);
      if (cpu < 0 || infos[i] == null) {
        continue;
      }
      groups.merge(groupOf(infos[i].getThreadName()), cpu, Long::sum);
    }
    return new Reading(processNanos(), groups);
  }

  static String groupOf(String threadName) {
    for (Map.Entry<String, String> g : GROUPS.entrySet()) {
      if (threadName.contains(g.getKey())) {
        return g.getValue();
      }
    }
    return OTHER;
  }
}
