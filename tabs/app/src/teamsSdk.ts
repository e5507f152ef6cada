// The parts of teams-js the tabs use, as named imports so the bundler keeps only those; teams.ts
// loads this module on demand (only inside a host).
export { app, authentication, pages } from '@microsoft/teams-js';
