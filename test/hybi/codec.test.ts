// Runs the shared hybi codec suite for every hybi draft.
import { hybi07 } from '../../src/hybi07/index.js';
import { hybi10 } from '../../src/hybi10/index.js';
import { rfc6455 } from '../../src/rfc6455/index.js';
import { describeHybiCodec } from './codec-suite.js';

for (const draft of [rfc6455, hybi10, hybi07]) describeHybiCodec(draft);
