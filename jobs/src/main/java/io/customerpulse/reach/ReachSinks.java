package io.customerpulse.reach;

import org.apache.flink.api.connector.sink2.Sink;

import java.util.List;

/**
 * The reach job's tables; tests swap them for collecting sinks. wom_reach rows arrive in chunks of
 * distinct sharers, which its PostgreSQL sink writes a statement each.
 */
public record ReachSinks(Sink<List<WomReachRow>> reach, Sink<WomDailyRow> daily) {}
