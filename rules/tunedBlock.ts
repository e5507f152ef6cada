import { z } from 'zod';

/**
 * A figure that can be n/a (NaN: a date where every customer, or none, placed no order). JSON writes
 * NaN as null, so null is read back as NaN: the file `tune` wrote stays a valid rules file.
 */
const figure = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);

const quality = z.strictObject({
  /** ROC AUC for "no order within the horizon". */
  auc: figure,
  /** Share of churned customers in each rep's top 10, averaged over reps. */
  topKPrecision: figure,
});

/**
 * What `churn-predictor tune` wrote into a rules file: when and how the weights were fitted, and
 * the backtest figures before and after, on the fitting dates and on a later holdout date.
 */
export const tunedSchema = z.strictObject({
  /** The tune run's as-of date: no order after it was read. */
  asOf: z.string(),
  horizonDays: z.number().int().positive(),
  activeWithinDays: z.number().int().positive().nullable(),
  /** Replayed dates the weights were fitted on (their labels end on or before holdoutDate). */
  fitDates: z.array(z.string()),
  /** The later date the figures are reported on: not used for fitting (holdout by time). */
  holdoutDate: z.string(),
  /** Customer-date rows the logistic regression saw. */
  fitRows: z.number().int().nonnegative(),
  /** Ridge penalty of the logistic fit. */
  l2: z.number().nonnegative(),
  before: z.strictObject({ fit: quality, holdout: quality }),
  after: z.strictObject({ fit: quality, holdout: quality }),
  /** Days since the last order, on the holdout date. */
  baselineHoldout: quality,
});
export type TunedBlock = z.infer<typeof tunedSchema>;
