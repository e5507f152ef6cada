import type { PolicyConfig } from '../../storage';

/**
 * A storage pipeline policy that, once armed, runs `write` just before the next entity-group
 * transaction (`$batch`) goes out, then disarms: another writer landing between a read and the
 * transaction built from it.
 */
export function beforeNextBatch(write: () => Promise<unknown>): {
  policy: PolicyConfig;
  arm: () => void;
  /** True while the write has not run yet. */
  armed: () => boolean;
} {
  let armed = false;
  return {
    policy: {
      position: 'perCall',
      policy: {
        name: 'beforeNextBatch',
        sendRequest: async (request, next) => {
          if (armed && new URL(request.url).pathname.endsWith('/$batch')) {
            armed = false;
            await write();
          }
          return next(request);
        },
      },
    },
    arm: () => {
      armed = true;
    },
    armed: () => armed,
  };
}
