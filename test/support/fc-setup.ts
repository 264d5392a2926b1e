// Vitest setup: properties that do not name a run count take FC_NUM_RUNS too (fast-check's default is 100).
import fc from 'fast-check';
import { runs } from './fc-runs.js';

if (process.env.FC_NUM_RUNS) fc.configureGlobal({ numRuns: runs(100) });
