package io.facegate.cli.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The dashboard's state, fed by the Kafka reader and read by the broadcaster: the latest decisions
 * of each door, last-minute counts, and what the processors last reported. Writers add whole poll
 * batches; the broadcaster takes a bounded batch per tick, so the page receives a few messages a
 * second whatever the decision rate. Thread-safe.
 */
final class LiveBoard {

  /** Decisions kept (and shown) per door. */
  static final int PER_DOOR = 8;

  /** Doors shown; the least recently active door is dropped beyond this. */
  static final int MAX_DOORS = 64;

  private final ObjectMapper json;
  private final LastMinute lastMinute = new LastMinute();
  private final LinkedHashMap<String, Deque<DecisionView>> doors =
      new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Deque<DecisionView>> fresh = new TreeMap<>();
  private long decisionsTotal;
  private long deadLettersTotal;
  private long unreadable;
  private long freshSkipped;
  private ObjectNode processors;
  private String feedProblem;

  LiveBoard(ObjectMapper json) {
    this.json = json;
    this.processors = json.createObjectNode();
  }

  synchronized void addDecisions(List<DecisionView> batch) {
    for (DecisionView d : batch) {
      decisionsTotal++;
      lastMinute.decision(
          Math.floorDiv(d.decidedAt(), 1000L), d.granted(), d.reason(), d.latencyMs());
      if (!doors.containsKey(d.doorId()) && doors.size() >= MAX_DOORS) {
        Iterator<String> eldest = doors.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
      push(doors.computeIfAbsent(d.doorId(), k -> new ArrayDeque<>()), d);
      if (push(fresh.computeIfAbsent(d.doorId(), k -> new ArrayDeque<>()), d)) {
        freshSkipped++;
      }
    }
  }

  /**
   * @return whether an older decision was dropped to make room
   */
  private static boolean push(Deque<DecisionView> q, DecisionView d) {
    q.addLast(d);
    if (q.size() > PER_DOOR) {
      q.removeFirst();
      return true;
    }
    return false;
  }

  synchronized void addDeadLetter(long epochMillis, String reason) {
    deadLettersTotal++;
    lastMinute.deadLetter(Math.floorDiv(epochMillis, 1000L), reason);
  }

  synchronized void unreadableRecord() {
    unreadable++;
  }

  synchronized void feedStopped(String why) {
    feedProblem = why;
  }

  synchronized void processors(ObjectNode status) {
    this.processors = status;
  }

  /**
   * One message for the page: the new decisions since the last update (at most {@link #PER_DOOR}
   * per door, newest last), or every door's latest ones when {@code full}, plus the statistics.
   *
   * @param nowMillis the wall clock, for the last-minute window
   * @param thumbnail the probe thumbnail (data URI) of an event id, or null
   */
  synchronized ObjectNode update(boolean full, long nowMillis, Function<String, String> thumbnail) {
    ObjectNode m = json.createObjectNode();
    m.put("t", nowMillis);
    m.put("full", full);
    ArrayNode list = m.putArray("decisions");
    Map<String, Deque<DecisionView>> source = full ? doors : fresh;
    List<DecisionView> out = new ArrayList<>();
    source.values().forEach(out::addAll);
    out.sort((a, b) -> Long.compare(a.decidedAt(), b.decidedAt()));
    for (DecisionView d : out) {
      ObjectNode o = list.addObject();
      d.writeTo(o);
      String thumb = thumbnail.apply(d.eventId());
      if (thumb != null) {
        o.put("probe", thumb);
      }
    }
    m.put("notShown", full ? 0 : freshSkipped);
    if (!full) {
      fresh.clear();
      freshSkipped = 0;
    }
    LastMinute.Summary s = lastMinute.summary(Math.floorDiv(nowMillis, 1000L));
    ObjectNode st = m.putObject("stats");
    st.put("decisionsTotal", decisionsTotal);
    st.put("deadLettersTotal", deadLettersTotal);
    st.put("unreadable", unreadable);
    st.put("granted", s.granted());
    st.put("denied", s.denied());
    ObjectNode denied = st.putObject("deniedByReason");
    s.deniedByReason().forEach(denied::put);
    ObjectNode dead = st.putObject("deadLettersByReason");
    s.deadLettersByReason().forEach(dead::put);
    ObjectNode lat = st.putObject("latencyMs");
    lat.put("p50", s.p50());
    lat.put("p95", s.p95());
    lat.put("p99", s.p99());
    ArrayNode g = st.putArray("grantedPerSecond");
    for (long v : s.perSecondGranted()) {
      g.add(v);
    }
    ArrayNode dn = st.putArray("deniedPerSecond");
    for (long v : s.perSecondDenied()) {
      dn.add(v);
    }
    m.set("processors", processors);
    m.put("feedProblem", feedProblem);
    return m;
  }
}
