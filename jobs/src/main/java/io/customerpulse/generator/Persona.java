package io.customerpulse.generator;

/**
 * A kind of customer in generated traffic: how often they come, how long a stint of activity
 * lasts before they lapse, how likely they come back, and what they do in a session.
 */
record Persona(
        String name,
        double weight,
        double meanGapDays,
        double meanStintDays,
        double returnProbability,
        double purchaseProbability,
        double shareProbability) {

    /** Loyal fans, regulars, occasional visitors and one-off visitors, in realistic proportions. */
    static final Persona[] ALL = {
        new Persona("loyal", 0.15, 1.5, 150, 0.5, 0.30, 0.12),
        new Persona("regular", 0.30, 4, 80, 0.4, 0.18, 0.06),
        new Persona("occasional", 0.30, 10, 60, 0.3, 0.12, 0.03),
        new Persona("one-off", 0.25, 3, 2, 0.15, 0.30, 0.02),
    };
}
