import { writeIntoFolder } from '../../src-main/reports/writeReport';

/**
 * Child process for tests that need the operating system to refuse a write: run without the
 * capabilities that let root ignore permission bits, it calls the real `writeIntoFolder` with
 * its arguments (folder, file name, data) and prints, as one JSON line, the user it ran as and
 * the message it was refused with (null if the write succeeded).
 */
export interface WriteIntoFolderOutcome {
  uid: number | null;
  written: string | null;
  error: string | null;
}

const [folder = '', fileName = '', data = ''] = process.argv.slice(2);
const outcome: WriteIntoFolderOutcome = {
  uid: process.getuid?.() ?? null,
  written: null,
  error: null,
};
try {
  outcome.written = writeIntoFolder(folder, fileName, data);
} catch (e) {
  outcome.error = e instanceof Error ? e.message : String(e);
}
process.stdout.write(`${JSON.stringify(outcome)}\n`);
