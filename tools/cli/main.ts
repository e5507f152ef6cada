import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeedError } from '../../feed/feedError';
import { ConfigError } from '../../functions/config';
import { RulesError } from '../../rules';
import { TuneError } from '../../rules/tune';
import { COMMAND_HELP, parseCliArgs, USAGE } from './args';
import { runBacktestCommand } from './backtestCommand';
import { runScoreCommand } from './scoreCommand';
import { runTuneCommand } from './tuneCommand';
import { CommandFailure, UsageError } from './usageError';

/** Runs one CLI command and returns the exit code: 0 ok, 2 bad input, 1 anything else. */
export async function main(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  try {
    if (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version') {
      out.write(`${packageVersion()}\n`);
      return 0;
    }
    if (argv.length > 1 && (argv.includes('--help') || argv.includes('-h'))) {
      const help = COMMAND_HELP[argv[0]];
      if (!help) throw new UsageError(`Unknown command "${argv[0]}"`);
      out.write(`${help}\n`);
      return 0;
    }
    if (argv[0] === 'tune') {
      await runTuneCommand(argv.slice(1), out, err);
      return 0;
    }
    const args = parseCliArgs(argv);
    switch (args.command) {
      case 'help':
        out.write(`${USAGE}\n`);
        return 0;
      case 'score':
        await runScoreCommand(args, out, err);
        return 0;
      case 'backtest':
        await runBacktestCommand(args, out, err);
        return 0;
      case 'summary': {
        // Loaded here: only this command talks to Table Storage, whose clients and Azure identity
        // take a fifth of a second to load, which `score` and `backtest` would pay for nothing.
        const { runSummaryCommand } = await import('./summaryCommand.js');
        await runSummaryCommand(args.rest, out);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err.write(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (
      error instanceof FeedError ||
      error instanceof RulesError ||
      error instanceof ConfigError ||
      error instanceof TuneError
    ) {
      err.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof CommandFailure) {
      err.write(`${error.message}\n`);
      return 1;
    }
    err.write(
      `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

/** The package's version, from package.json. */
export function packageVersion(): string {
  for (const up of ['../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'churn-predictor' && pkg.version) return pkg.version;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return 'unknown';
}

/**
 * Output piped into a reader that stops early (`| head`) closes the pipe: the next write fails with
 * EPIPE. That is the reader's choice, not an error: stop quietly, as Unix tools do.
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

if (require.main === module) {
  quietOnClosedPipe(process.stdout);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
