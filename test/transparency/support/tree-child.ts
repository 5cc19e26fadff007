/** A process that keeps the tree, for crash.test.ts, killed with SIGKILL at random points (test/support/projecting-child.ts). */
import { createTransparencyProjection } from '../../../src/transparency/projection.js';
import { projectUntilKilled } from '../../support/projecting-child.js';

await projectUntilKilled([createTransparencyProjection()]);
