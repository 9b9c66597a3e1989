package io.facegate.processor.core.embedding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The enrolled templates of one model version, held in one contiguous {@code float[]} (row per
 * person) so that 1:N search is a single linear scan without pointer chasing.
 *
 * <p>Templates of another model version, or that are not valid unit vectors of the right dimension,
 * are remembered by identity but never stored with the comparable rows: a lookup for such a person
 * says why it cannot be compared, and 1:N search skips them.
 *
 * <p>Large galleries: from {@link IndexSettings#threshold()} comparable templates on, 1:N search
 * asks an {@link IvfFlatIndex} over the rows instead of scanning them all (below it the exact scan
 * is fast enough, and exact). The index is built in the background over a snapshot of the rows;
 * until it is ready the gallery keeps searching as before, and every put and remove made meanwhile
 * is journalled and replayed onto the new index before it is swapped in. Once in use the index is
 * kept in step with the rows on every put and remove (its ids are row numbers), and rebuilt when
 * the gallery has doubled or half of it has changed since the build, so that the cells fit the data
 * again. The index only proposes rows: identities and distances are read from the rows themselves,
 * so a removed person can never be returned, and any disagreement between index and rows fails the
 * search ({@link IllegalStateException}, the decision is denied) and drops the index until it is
 * rebuilt. 1:1 {@link #lookup} is always exact.
 *
 * <p>Thread-safe: one writer (the global-store updater) and many readers (stream tasks).
 */
public final class Gallery {
  private static final System.Logger LOG = System.getLogger(Gallery.class.getName());

  /** k-means iterations for the index; 5-10 is plenty for search (see IvfFlatIndex). */
  private static final int KMEANS_ITERATIONS = 6;

  private static final long INDEX_SEED = 42;

  /**
   * When and how 1:N search uses the approximate index.
   *
   * @param threshold comparable templates from which on 1:N search uses the index (below it, exact
   *     search); {@link Integer#MAX_VALUE} never indexes
   * @param nprobe index cells searched per probe (the index has about sqrt(size) cells); more is
   *     slower and closer to exact
   * @param buildThreads threads that build the index, in the background
   */
  public record IndexSettings(int threshold, int nprobe, int buildThreads) {
    /** Default threshold: up to here exact search is well within the latency budget. */
    public static final int DEFAULT_THRESHOLD = 50_000;

    /** Default cells per probe: recall@1 0.99+ at 100 k and 1 M (docs/benchmarks.md). */
    public static final int DEFAULT_NPROBE = 64;

    public IndexSettings {
      if (threshold < 2) {
        throw new IllegalArgumentException("threshold must be >= 2: " + threshold);
      }
      if (nprobe < 1) {
        throw new IllegalArgumentException("nprobe must be >= 1: " + nprobe);
      }
      if (buildThreads < 1 || buildThreads > 256) {
        throw new IllegalArgumentException("buildThreads must be in [1, 256]: " + buildThreads);
      }
    }

    /** Index from 50 000 templates, 64 cells per probe, one build thread. */
    public static IndexSettings defaults() {
      return new IndexSettings(DEFAULT_THRESHOLD, DEFAULT_NPROBE, 1);
    }

    /** Exact search whatever the size. */
    public static IndexSettings exactOnly() {
      return new IndexSettings(Integer.MAX_VALUE, DEFAULT_NPROBE, 1);
    }
  }

  /** How 1:N search is answered now. */
  public enum SearchMode {
    /** Linear scan over every row. */
    EXACT,
    /** The approximate index, with the rows as the source of truth. */
    INDEX
  }

  /** One change to the rows, to replay onto an index built over an older snapshot. */
  private record IndexOp(boolean add, int row, float[] vector) {}

  /** What a 1:1 lookup found for an identity. */
  public enum Status {
    /** A comparable template exists. */
    PRESENT,
    /** No template at all for this identity. */
    ABSENT,
    /** The template was built with another model version. */
    OTHER_MODEL_VERSION,
    /** The stored template is not a valid embedding (NaN, wrong dimension, zero norm). */
    INVALID
  }

  /** Result of a 1:1 lookup; {@code template} is a copy and only set when {@code PRESENT}. */
  public record Lookup(Status status, float[] template, String detail) {}

  /**
   * Result of a 1:N search over the comparable templates.
   *
   * @param identity nearest identity
   * @param distance Euclidean distance to it
   * @param runnerUpIdentity second-nearest identity, or empty with one template only
   * @param runnerUpDistance distance to the runner-up, or {@code NaN} without one
   */
  public record Nearest(
      String identity,
      double distance,
      Optional<String> runnerUpIdentity,
      double runnerUpDistance) {}

  /** Whether {@link #put} stored the template as comparable or set it aside, and why. */
  public enum PutOutcome {
    STORED,
    OTHER_MODEL_VERSION,
    INVALID
  }

  private final String modelVersion;
  private final int dim;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, Integer> rowOf = new HashMap<>();
  private final Map<String, String> setAside = new HashMap<>();
  private final Map<String, Status> setAsideStatus = new HashMap<>();
  private final IndexSettings indexSettings;
  private final Executor builds;
  private float[] rows;
  private String[] ids;
  private int size;

  // index state: guarded by the write lock for changes, read under the read lock
  private IvfFlatIndex index;
  private int indexBuiltSize;
  private int changesSinceBuild;
  private volatile boolean indexBroken;
  // a background build in flight: its generation, and the changes made since its snapshot
  private boolean building;
  private long generation;
  private List<IndexOp> journal;
  private boolean journalOverflow;
  private int snapshotSize;
  private final Object buildDone = new Object();

  /**
   * An empty gallery for embeddings of {@code dim} components produced by {@code modelVersion},
   * with the default {@link IndexSettings}.
   */
  public Gallery(String modelVersion, int dim) {
    this(modelVersion, dim, IndexSettings.defaults());
  }

  /** An empty gallery that uses the approximate index as {@code indexSettings} say. */
  public Gallery(String modelVersion, int dim, IndexSettings indexSettings) {
    this(modelVersion, dim, indexSettings, Gallery::daemonThread);
  }

  /** As the public constructor, with index builds run by {@code builds} (tests control them). */
  Gallery(String modelVersion, int dim, IndexSettings indexSettings, Executor builds) {
    if (modelVersion == null || modelVersion.isBlank()) {
      throw new IllegalArgumentException("modelVersion must be set");
    }
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be positive: " + dim);
    }
    this.modelVersion = modelVersion;
    this.dim = dim;
    this.indexSettings = Objects.requireNonNull(indexSettings, "indexSettings");
    this.builds = Objects.requireNonNull(builds, "builds");
    this.rows = new float[16 * dim];
    this.ids = new String[16];
  }

  private static void daemonThread(Runnable r) {
    Thread t = new Thread(r, "gallery-index-build");
    t.setDaemon(true);
    t.start();
  }

  public IndexSettings indexSettings() {
    return indexSettings;
  }

  public String modelVersion() {
    return modelVersion;
  }

  public int dim() {
    return dim;
  }

  /** Number of comparable templates. */
  public int size() {
    return underReadLock(() -> size);
  }

  /** Number of identities known but not comparable (other model version or invalid). */
  public int setAsideCount() {
    return underReadLock(setAside::size);
  }

  /**
   * Adds or replaces the template of {@code identity}. A valid template of this gallery's model
   * version is stored L2-normalised; anything else is set aside with the reason.
   */
  public PutOutcome put(String identity, float[] template, String templateModelVersion) {
    Objects.requireNonNull(identity, "identity");
    lock.writeLock().lock();
    try {
      removeLocked(identity);
      if (!modelVersion.equals(templateModelVersion)) {
        setAside.put(
            identity,
            "template of model version "
                + templateModelVersion
                + ", loaded model is "
                + modelVersion);
        setAsideStatus.put(identity, Status.OTHER_MODEL_VERSION);
        return PutOutcome.OTHER_MODEL_VERSION;
      }
      float[] unit;
      try {
        unit = Vectors.l2Normalised(template, dim);
      } catch (InvalidEmbeddingException e) {
        setAside.put(identity, "invalid template: " + e.getMessage());
        setAsideStatus.put(identity, Status.INVALID);
        return PutOutcome.INVALID;
      }
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
        rows = Arrays.copyOf(rows, size * 2 * dim);
      }
      System.arraycopy(unit, 0, rows, size * dim, dim);
      ids[size] = identity;
      rowOf.put(identity, size);
      indexAdd(size, unit);
      size++;
      maybeStartBuild();
      return PutOutcome.STORED;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Records that {@code identity} has a stored template that cannot be read or used; 1:1 for this
   * identity then denies with {@link Status#INVALID} instead of {@link Status#ABSENT}.
   */
  public void markInvalid(String identity, String detail) {
    Objects.requireNonNull(identity, "identity");
    lock.writeLock().lock();
    try {
      removeLocked(identity);
      setAside.put(identity, "invalid template: " + detail);
      setAsideStatus.put(identity, Status.INVALID);
      maybeStartBuild();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Forgets everyone, e.g. before reloading from the store. */
  public void clear() {
    lock.writeLock().lock();
    try {
      rowOf.clear();
      setAside.clear();
      setAsideStatus.clear();
      Arrays.fill(ids, null);
      size = 0;
      dropIndex();
      generation++;
      journal = null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Forgets {@code identity}; returns whether anything was known about it. */
  public boolean remove(String identity) {
    lock.writeLock().lock();
    try {
      boolean knew = removeLocked(identity);
      maybeStartBuild();
      return knew;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private boolean removeLocked(String identity) {
    boolean knew = setAside.remove(identity) != null;
    setAsideStatus.remove(identity);
    Integer row = rowOf.remove(identity);
    if (row == null) {
      return knew;
    }
    int last = size - 1;
    indexRemove(row, Arrays.copyOfRange(rows, row * dim, (row + 1) * dim));
    if (row != last) {
      // keep rows contiguous: move the last row into the hole (and in the index: last -> row)
      float[] moved = Arrays.copyOfRange(rows, last * dim, size * dim);
      indexRemove(last, moved);
      System.arraycopy(moved, 0, rows, row * dim, dim);
      ids[row] = ids[last];
      rowOf.put(ids[row], row);
      indexAdd(row, moved);
    }
    ids[last] = null;
    size--;
    return true;
  }

  private void indexAdd(int row, float[] unit) {
    if (index != null) {
      index.add(row, unit);
      changesSinceBuild++;
    }
    journal(new IndexOp(true, row, unit));
  }

  private void indexRemove(int row, float[] unit) {
    if (index != null) {
      if (!index.remove(row, unit)) {
        indexBroken = true;
      }
      changesSinceBuild++;
    }
    journal(new IndexOp(false, row, unit));
  }

  private void journal(IndexOp op) {
    if (journal == null) {
      return;
    }
    if (journal.size() >= Math.max(1024, snapshotSize)) {
      // more changes than the snapshot held: replaying would cost as much as a new build
      journal = null;
      journalOverflow = true;
      return;
    }
    journal.add(op);
  }

  private void dropIndex() {
    index = null;
    indexBuiltSize = 0;
    changesSinceBuild = 0;
    indexBroken = false;
  }

  /** Under the write lock: drops a no longer useful index, starts a build when one is due. */
  private void maybeStartBuild() {
    if (index != null && size < indexSettings.threshold() / 2) {
      // fell well below the threshold: exact search again, and the memory back
      dropIndex();
    }
    if (building || size < indexSettings.threshold()) {
      return;
    }
    boolean due =
        index == null
            || indexBroken
            || size >= 2L * indexBuiltSize
            || changesSinceBuild >= Math.max(1, indexBuiltSize / 2);
    if (!due) {
      return;
    }
    building = true;
    long gen = generation;
    int n = size;
    float[] snapshot = Arrays.copyOf(rows, n * dim);
    journal = new ArrayList<>();
    journalOverflow = false;
    snapshotSize = n;
    try {
      builds.execute(() -> build(gen, snapshot, n));
    } catch (RuntimeException e) {
      building = false;
      journal = null;
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot start the gallery index build; exact search" + " stays in use",
          e);
    }
  }

  /**
   * Builds an index over {@code snapshot} (no lock held), then swaps it in under the write lock.
   */
  private void build(long gen, float[] snapshot, int n) {
    IvfFlatIndex built = null;
    long t0 = System.nanoTime();
    try {
      built =
          IvfFlatIndex.build(
              snapshot,
              n,
              dim,
              Math.max(1, (int) Math.round(Math.sqrt(n))),
              KMEANS_ITERATIONS,
              INDEX_SEED,
              indexSettings.buildThreads());
    } catch (RuntimeException | OutOfMemoryError e) {
      // the index is an optimisation: without it the gallery stays exact (slower, never wrong)
      LOG.log(
          System.Logger.Level.WARNING,
          "gallery index build over " + n + " templates failed; searching as before",
          e);
    }
    lock.writeLock().lock();
    try {
      building = false;
      if (built != null && gen == generation && !journalOverflow && journal != null) {
        boolean consistent = true;
        for (IndexOp op : journal) {
          if (op.add()) {
            built.add(op.row(), op.vector());
          } else if (!built.remove(op.row(), op.vector())) {
            consistent = false;
          }
        }
        if (consistent && built.size() == size) {
          index = built;
          indexBuiltSize = n;
          changesSinceBuild = journal.size();
          indexBroken = false;
          int cells = built.nlist();
          LOG.log(
              System.Logger.Level.INFO,
              () ->
                  String.format(
                      "gallery index over %d templates" + " (%d cells) ready in %.1f s",
                      n, cells, (System.nanoTime() - t0) / 1e9));
        } else {
          LOG.log(
              System.Logger.Level.WARNING,
              "gallery index disagreed with the rows after"
                  + " replaying the changes made during its build; discarded");
        }
      }
      journal = null;
      journalOverflow = false;
      if (built != null) {
        // the gallery may have outgrown this build already (e.g. while loading the store)
        maybeStartBuild();
      }
    } finally {
      lock.writeLock().unlock();
      synchronized (buildDone) {
        buildDone.notifyAll();
      }
    }
  }

  /** How 1:N search is answered now. */
  public SearchMode searchMode() {
    return underReadLock(() -> useIndex() ? SearchMode.INDEX : SearchMode.EXACT);
  }

  private <T> T underReadLock(Supplier<T> read) {
    lock.readLock().lock();
    try {
      return read.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private boolean useIndex() {
    return index != null && !indexBroken;
  }

  /** Cells of the approximate index, 0 without one. */
  public int indexCells() {
    return underReadLock(() -> index == null ? 0 : index.nlist());
  }

  /** Bytes held by the approximate index, 0 without one. */
  public long indexBytes() {
    return underReadLock(() -> index == null ? 0L : index.bytes());
  }

  /**
   * Waits until no index build is in flight (for tests and benchmarks; the processor never waits).
   *
   * @return whether the gallery became idle within {@code timeout}
   */
  public boolean awaitIndexIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (buildDone) {
      while (true) {
        boolean busy = underReadLock(() -> building);
        long left = deadline - System.nanoTime();
        if (!busy) {
          return true;
        }
        if (left <= 0) {
          return false;
        }
        buildDone.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** What is known about {@code identity}, for 1:1 verification. */
  public Lookup lookup(String identity) {
    lock.readLock().lock();
    try {
      Integer row = rowOf.get(identity);
      if (row != null) {
        return new Lookup(
            Status.PRESENT, Arrays.copyOfRange(rows, row * dim, (row + 1) * dim), null);
      }
      Status s = setAsideStatus.get(identity);
      if (s != null) {
        return new Lookup(s, null, setAside.get(identity));
      }
      return new Lookup(Status.ABSENT, null, null);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * 1:N search: the nearest and second-nearest comparable templates to {@code probe}; through the
   * approximate index for a large gallery (see the class comment), else exact.
   *
   * @return empty when the gallery holds no comparable template
   * @throws InvalidEmbeddingException if {@code probe} is not a valid embedding of this gallery
   * @throws IllegalStateException if the index disagrees with the rows (deny; the index is dropped)
   */
  public Optional<Nearest> nearest(float[] probe) {
    return nearest(probe, indexSettings.nprobe());
  }

  /**
   * As {@link #nearest(float[])}, searching {@code nprobe} index cells if the index is in use
   * (benchmarks and tuning compare several values on one gallery).
   */
  public Optional<Nearest> nearest(float[] probe, int nprobe) {
    Vectors.requireValid(probe, dim);
    lock.readLock().lock();
    try {
      if (size == 0) {
        return Optional.empty();
      }
      return useIndex() ? indexNearest(probe, nprobe) : exactNearestLocked(probe);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Exact 1:N search whatever the gallery's size: the reference the index is measured against. */
  public Optional<Nearest> nearestExact(float[] probe) {
    Vectors.requireValid(probe, dim);
    lock.readLock().lock();
    try {
      return size == 0 ? Optional.empty() : exactNearestLocked(probe);
    } finally {
      lock.readLock().unlock();
    }
  }

  private Optional<Nearest> indexNearest(float[] probe, int nprobe) {
    if (index.size() != size) {
      indexBroken = true;
      throw new IllegalStateException(
          "gallery index out of step: " + index.size() + " vectors for " + size + " templates");
    }
    IvfFlatIndex.Hit[] hits = index.nearest(probe, nprobe);
    if (hits.length < Math.min(2, size)) {
      // the probed cells held fewer than two templates: no honest runner-up, so scan them all
      return exactNearestLocked(probe);
    }
    int best = hits[0].id();
    int second = hits.length > 1 ? hits[1].id() : -1;
    if (best < 0 || best >= size || second >= size || (second >= 0 && second == best)) {
      indexBroken = true;
      throw new IllegalStateException(
          "gallery index returned rows " + best + ", " + second + " of " + size);
    }
    // identities and distances come from the rows, never from the index's copies
    double bestSq = Vectors.squaredDistance(probe, 0, rows, best * dim, dim);
    double secondSq =
        second < 0 ? Double.NaN : Vectors.squaredDistance(probe, 0, rows, second * dim, dim);
    if (Math.abs(bestSq - hits[0].squaredDistance()) > 1e-4
        || (second >= 0 && Math.abs(secondSq - hits[1].squaredDistance()) > 1e-4)) {
      indexBroken = true;
      throw new IllegalStateException(
          "gallery index holds another vector than row " + best + " or " + second);
    }
    if (second >= 0 && secondSq < bestSq) {
      // a near tie the index's float arithmetic ordered the other way
      int r = best;
      best = second;
      second = r;
      double t = bestSq;
      bestSq = secondSq;
      secondSq = t;
    }
    return nearestOf(best, bestSq, second, secondSq);
  }

  /** The answer for rows {@code best} and {@code second} (-1: no runner-up), squared distances. */
  private Optional<Nearest> nearestOf(int best, double bestSq, int second, double secondSq) {
    return Optional.of(
        new Nearest(
            ids[best],
            Math.sqrt(bestSq),
            second < 0 ? Optional.empty() : Optional.of(ids[second]),
            second < 0 ? Double.NaN : Math.sqrt(secondSq)));
  }

  private Optional<Nearest> exactNearestLocked(float[] probe) {
    int best = -1;
    int second = -1;
    double bestSq = Double.POSITIVE_INFINITY;
    double secondSq = Double.POSITIVE_INFINITY;
    for (int r = 0; r < size; r++) {
      double sq = Vectors.squaredDistance(probe, 0, rows, r * dim, dim);
      if (sq < bestSq) {
        second = best;
        secondSq = bestSq;
        best = r;
        bestSq = sq;
      } else if (sq < secondSq) {
        second = r;
        secondSq = sq;
      }
    }
    return nearestOf(best, bestSq, second, secondSq);
  }
}
