import { run } from './run.js';

// The bundle's entry (dist/flashcut.cjs): loading it runs the command line.
run();
