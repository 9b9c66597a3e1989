package io.facegate.cli.replay;

/**
 * What the replay saw of one {@code AccessDecision}, with the time it became visible to a {@code
 * read_committed} consumer.
 *
 * @param eventId the event it decides
 * @param granted whether the door opened
 * @param reason the decision's reason name
 * @param matchedIdentity nearest (1:N) or claimed (1:1) identity, or null when nothing was compared
 * @param distance distance to {@code matchedIdentity}, or NaN
 * @param threshold the threshold the processor used
 * @param modelVersion the model that decided, or null
 * @param receivedAtMillis wall clock when the replay consumer received it
 */
public record ObservedDecision(
    String eventId,
    boolean granted,
    String reason,
    String matchedIdentity,
    double distance,
    double threshold,
    String modelVersion,
    long receivedAtMillis) {}
