package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.ZipException;

class FailureLineTest {
    @Test
    void aJobsFailureNamesTheCauseThatStartedIt() {
        Exception failure = new RuntimeException("Job execution failed.",
                new IllegalStateException("Recovery is suppressed by NoRestartBackoffTimeStrategy",
                        new ZipException("Not in GZIP format")));
        assertThat(FailureLine.of(failure)).isEqualTo("Job execution failed: Not in GZIP format");
    }

    @Test
    void aCauseTheMessageAlreadySaysIsNotRepeated() {
        Exception failure = new IllegalStateException("Publishing failed: Topic clicks not present in metadata after 60000 ms.",
                new RuntimeException("Topic clicks not present in metadata after 60000 ms."));
        assertThat(FailureLine.of(failure)).isEqualTo("Publishing failed: Topic clicks not present in metadata after 60000 ms.");
    }

    @Test
    void aWrappersMessageLosesTheClassNameItTookFromItsCause() {
        Exception failure = new UncheckedIOException(new IOException("No space left on device"));
        // UncheckedIOException(cause) has the message "java.io.IOException: No space left on device"
        assertThat(FailureLine.of(failure)).isEqualTo("No space left on device");
    }

    @Test
    void aChainThatComesBackOnItselfEndsWhereItWouldComeBack() {
        IllegalStateException outer = new IllegalStateException("outer");
        RuntimeException inner = new RuntimeException("inner", outer);
        outer.initCause(inner); // allowed: initCause refuses only the exception itself
        assertThat(FailureLine.of(outer)).isEqualTo("outer: inner");
    }

    @Test
    void aMessageOfSeveralLinesIsOneAndNoMessageIsTheClassName() {
        assertThat(FailureLine.of(new IllegalStateException("first line\n\tsecond line"))).isEqualTo("first line second line");
        assertThat(FailureLine.of(new RuntimeException("wrapped", new NullPointerException()))).isEqualTo("wrapped: NullPointerException");
    }
}
