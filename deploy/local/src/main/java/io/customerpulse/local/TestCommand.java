package io.customerpulse.local;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Listed for --help; ./pulse itself runs `mvn verify` for `./pulse test` without building first. */
@Command(name = "test", description = "Runs every test: unit, operator, mini-cluster and end-to-end (mvn -B verify).")
public final class TestCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Extra Maven arguments, e.g. -Dtest=RetentionRulesTest.")
    List<String> mavenArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-ntp", "verify"));
        command.addAll(mavenArgs);
        return new ProcessBuilder(command).directory(PulseHome.repository().toFile()).inheritIO().start().waitFor();
    }
}
