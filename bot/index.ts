/** The Teams side: botbuilder stays behind this folder. */
export { APOLOGY, type BotTokenEndpoints, createBotAdapter } from './adapter';
export { ChurnBot, type ParsedText, parseCommand } from './churnBot';
export { type BotHttpRequest, type BotHttpResponse, processBotRequest } from './httpAdapter';
export * from './ports';
export { type BotRuntime, type BotRuntimeOptions, createBotRuntime } from './runtime';
