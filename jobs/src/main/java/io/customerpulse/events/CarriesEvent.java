package io.customerpulse.events;

/**
 * Something held until the watermark passes the event it carries: the event itself, or the event
 * with what an operator upstream decided about it (the reach job's resolved shares).
 */
public interface CarriesEvent {
    PulseEvent event();
}
