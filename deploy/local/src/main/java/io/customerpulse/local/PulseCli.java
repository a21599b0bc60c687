package io.customerpulse.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The ./pulse launcher. */
@Command(name = "pulse", mixinStandardHelpOptions = true, version = "Customer Pulse 0.1.0",
        description = "Customer Pulse: live retention of every customer, computed by Flink from Kafka into PostgreSQL.",
        subcommands = {DemoCommand.class, GenerateCommand.class, ReplayCommand.class, BackfillCommand.class,
            FitModelCommand.class, TestCommand.class, CommandLine.HelpCommand.class})
public final class PulseCli implements Runnable {

    public static void main(String[] args) {
        int exitCode = new CommandLine(new PulseCli()).execute(args);
        System.exit(exitCode);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
