import { createHttpHeaders, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { openStorage, type PolicyConfig, type Storage } from '../../../storage';
import { TIME_ZONE, type WeeklyWorld } from './weeklyWorld';

// A Listings table Table Storage refuses to write, for the weekly run's tests.

/** How Table Storage answers: busy (503 ServerBusy, which the SDK retries and then throws), or else. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}
export const SERVER_BUSY: Refusal = { status: 503, code: 'ServerBusy', message: 'The server is busy.' };

/**
 * A pipeline policy answering every try as Table Storage does when it refuses (`refusal`) while
 * `failing(request)` says so.
 */
function refusing(refusal: Refusal, failing: (request: PipelineRequest) => boolean): PolicyConfig {
  return {
    position: 'perRetry',
    policy: {
      name: 'refusing',
      sendRequest: async (request, next): Promise<PipelineResponse> => {
        if (!failing(request)) return next(request);
        return {
          request,
          status: refusal.status,
          headers: createHttpHeaders({
            'content-type': 'application/json;odata=minimalmetadata',
            'x-ms-error-code': refusal.code,
          }),
          bodyAsText: JSON.stringify({
            'odata.error': { code: refusal.code, message: { lang: 'en-US', value: refusal.message } },
          }),
        };
      },
    },
  };
}

/** The world's storage with its Listings client refused (default: ServerBusy) while `failing(request)` says so. */
export async function listingsBusy(
  world: WeeklyWorld,
  failing: (request: PipelineRequest) => boolean,
  refusal = SERVER_BUSY,
): Promise<Storage> {
  const tablePrefix = world.storage.tables.listings.slice(0, -'Listings'.length);
  // Busy only once open: opening creates the tables, which already exist.
  let open = false;
  const busy = await openStorage(
    { connectionString: world.connectionString, tablePrefix },
    {
      timeZone: TIME_ZONE,
      retry: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 20 },
      policies: [refusing(refusal, (request) => open && failing(request))],
    },
  );
  open = true;
  return { ...world.storage, listings: busy.listings };
}
