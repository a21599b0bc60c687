package io.customerpulse.retention;

import org.apache.flink.api.connector.sink2.Sink;

import java.util.List;

/**
 * The retention job's tables; tests swap them for collecting sinks. user_retention rows arrive in
 * chunks of distinct users, which its PostgreSQL sink writes a statement each.
 */
public record RetentionSinks(
        Sink<List<UserRetentionRow>> userRetention,
        Sink<StatusTransition> transitions,
        Sink<CohortRow> cohorts) {}
