package io.customerpulse.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The ./pulse launcher. */
@Command(name = "pulse", mixinStandardHelpOptions = true, version = "Customer Pulse 0.1.0",
        description = "Customer Pulse: live retention of every customer, computed by Flink from Kafka into PostgreSQL.",
        subcommands = {DemoCommand.class, GenerateCommand.class, ReplayCommand.class, BackfillCommand.class,
            FitModelCommand.class, ClusterCommand.class, SubmitCommand.class, CancelCommand.class, BenchCommand.class, TestCommand.class, CommandLine.HelpCommand.class})
public final class PulseCli implements Runnable {

    public static void main(String[] args) {
        int exitCode = commandLine().execute(args);
        System.exit(exitCode);
    }

    /** The launcher's command line: `submit` passes options it does not know to the job. */
    static CommandLine commandLine() {
        CommandLine line = new CommandLine(new PulseCli());
        line.getSubcommands().get("submit").setUnmatchedOptionsArePositionalParams(true);
        return line;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
