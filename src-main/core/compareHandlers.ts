import type { RpcHandlers } from '../../src-shared/rpc/contract';
import { AppFailure } from '../../src-shared/result';
import { buildComparison } from '../analysis/comparison';
import { importBundle } from '../reports/bundleImport';
import type { PdfRenderer } from '../reports/service';
import { deleteChartSetup, listChartSetups, saveChartSetup } from '../store/chartSetups';
import { comparisonData } from '../store/compareRuns';
import type { Db } from '../store/db';
import { listReportRecords } from '../store/reports';
import { uploadsDir } from './paths';

type CompareHandlers = Pick<
  RpcHandlers,
  | 'compare.run'
  | 'compare.setups.list'
  | 'compare.setups.save'
  | 'compare.setups.delete'
  | 'reports.create'
  | 'reports.list'
  | 'reports.regenerate'
  | 'bundles.import'
>;

/**
 * Comparisons, their saved chart setups, the reports made of them and the bundles that carry
 * runs between workspaces. `renderPdf` is the entry point's printer (Electron's printToPDF, or
 * headless Chromium for the CLI and the server); without one a PDF is refused.
 */
export function compareHandlers(
  db: Db,
  workspaceDir: string,
  renderPdf: PdfRenderer | undefined,
): CompareHandlers {
  const pdf: PdfRenderer =
    renderPdf ??
    (() =>
      Promise.reject(
        new AppFailure('unavailable', 'PDF export is not available in this process.'),
      ));
  // Rendering loads ECharts (about a second): only when a report is made, not at every start.
  const reports = () => import('../reports/service');
  return {
    'compare.run': (request) => buildComparison(comparisonData(db), request),
    'compare.setups.list': () => listChartSetups(db),
    'compare.setups.save': ({ name, input }) => saveChartSetup(db, name, input),
    'compare.setups.delete': ({ id }) => ({ deleted: deleteChartSetup(db, id) }),
    'reports.create': async (input) => (await reports()).createReport(db, input, pdf),
    'reports.list': () => listReportRecords(db),
    'reports.regenerate': async ({ id, format }) =>
      (await reports()).regenerateReport(db, id, format, pdf),
    'bundles.import': ({ file }) => importBundle(db, file, uploadsDir(workspaceDir)),
  };
}
