package io.customerpulse.reach;

import io.customerpulse.events.DeadLetter;

import org.apache.flink.api.connector.sink2.Sink;

/** The reach job's outputs; tests swap them for collecting sinks. */
public record ReachSinks(Sink<WomReachRow> reach, Sink<WomDailyRow> daily, Sink<DeadLetter> deadLetters) {}
