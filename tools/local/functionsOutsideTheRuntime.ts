/**
 * Imported before `functions/` by the local host. Outside the Azure Functions worker, @azure/functions
 * prints a warning for each function registered ("Failed to detect the Azure Functions runtime",
 * "Skipping call to register function ... test mode"): a dozen alarming lines at the top of every
 * `npm start` about what is meant here, since the local host serves the registry's lists itself. Only
 * those lines are dropped, and only while the functions register; any other warning passes through.
 */

const TEST_MODE_WARNING =
  /^WARNING: (Failed to detect the Azure Functions runtime|Skipping call to register .*test mode)/;

/** Whether a console.warn line is the package's test-mode notice. */
function isTestModeWarning(line: unknown): boolean {
  return typeof line === 'string' && TEST_MODE_WARNING.test(line);
}

const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (!isTestModeWarning(args[0])) warn(...args);
};
// Restored once every module loaded with this one has registered (the same tick).
queueMicrotask(() => {
  console.warn = warn;
});
