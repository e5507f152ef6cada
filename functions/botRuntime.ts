import { type BotRuntime, createBotRuntime } from '../bot';
import { loadBotDependencies } from './botDependencies';
import { type Config, loadConfig } from './config';

let runtime: Promise<BotRuntime> | undefined;

/** The process-wide bot runtime, built on first use from the environment; a failed build is retried next time. */
export function getBotRuntime(): Promise<BotRuntime> {
  runtime ??= buildRuntime(loadConfig()).catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}

async function buildRuntime(config: Config): Promise<BotRuntime> {
  const deps = await loadBotDependencies(config);
  return createBotRuntime({ bot: config.bot, store: deps.store, actions: deps.actions });
}
