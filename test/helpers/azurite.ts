/** The Azurite starter moved to local/azurite.ts (npm start uses it too); tests keep importing it from here. */
export * from '../../tools/local/azurite';
