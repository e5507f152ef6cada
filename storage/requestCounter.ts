import type { TableServiceClientOptions } from '@azure/data-tables';

type PolicyConfig = NonNullable<TableServiceClientOptions['additionalPolicies']>[number];

/** What a storage handle has sent so far: every HTTP attempt, and how many were `$batch` transactions. */
export interface RequestCounts {
  requests: number;
  transactions: number;
}

/** Counts HTTP requests (each retry too) through a pipeline policy; benchmarks read it. */
export class RequestCounter {
  private counts: RequestCounts = { requests: 0, transactions: 0 };

  /** The pipeline policy to add to every client (perRetry: counts what reaches the wire). */
  readonly policy: PolicyConfig = {
    position: 'perRetry',
    policy: {
      name: 'churnRequestCounter',
      sendRequest: async (request, next) => {
        this.counts.requests++;
        if (new URL(request.url).pathname.endsWith('/$batch')) this.counts.transactions++;
        return await next(request);
      },
    },
  };

  /** The counts so far (a copy). */
  snapshot(): RequestCounts {
    return { ...this.counts };
  }

  /** Sets the counts back to zero. */
  reset(): void {
    this.counts = { requests: 0, transactions: 0 };
  }
}
