import { reportFailure, wantsJson } from './failure';
import { buildProgram } from './program';
import { Output } from './output';
import { Runtime } from './runtime';

/** `dss`: the employee command line. Exit codes: exit-codes.ts (and the README). */
async function main(argv: string[]): Promise<void> {
  const rt = new Runtime();
  const program = buildProgram(rt, 'cli');
  try {
    await program.parseAsync(argv);
    process.exitCode = rt.exitCode;
  } catch (err) {
    const out = new Output(wantsJson(argv.slice(2)));
    process.exitCode = reportFailure(err, program, out, rt.lastServerUrl);
  } finally {
    await rt.close();
  }
}

void main(process.argv);
