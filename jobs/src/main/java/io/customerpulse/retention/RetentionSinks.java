package io.customerpulse.retention;

import io.customerpulse.events.DeadLetter;

import org.apache.flink.api.connector.sink2.Sink;

/** The retention job's outputs; tests swap them for collecting sinks. */
public record RetentionSinks(
        Sink<UserRetentionRow> userRetention,
        Sink<StatusTransition> transitions,
        Sink<CohortRow> cohorts,
        Sink<DeadLetter> deadLetters) {}
