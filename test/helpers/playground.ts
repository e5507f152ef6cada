/** The Playground's headless client lives beside the local stack that also drives it. */
export * from '../../tools/local/playgroundClient';
