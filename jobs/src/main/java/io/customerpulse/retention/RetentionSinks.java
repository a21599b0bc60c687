package io.customerpulse.retention;

import org.apache.flink.api.connector.sink2.Sink;

/** The retention job's tables; tests swap them for collecting sinks. */
public record RetentionSinks(
        Sink<UserRetentionRow> userRetention,
        Sink<StatusTransition> transitions,
        Sink<CohortRow> cohorts) {}
