import type { RpcHandlers } from '../../src-shared/rpc/contract';
import { AppFailure } from '../../src-shared/result';
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
  // Loaded when first used, not at every start of every command: rendering loads ECharts (about
  // a second), the statistics the @stdlib packages, a bundle import the dataset importers.
  const reports = () => import('../reports/service');
  const analysis = () => import('../analysis/comparison');
  const bundles = () => import('../reports/bundleImport');
  return {
    'compare.run': async (request) =>
      (await analysis()).buildComparison(comparisonData(db), request),
    'compare.setups.list': () => listChartSetups(db),
    'compare.setups.save': ({ name, input }) => saveChartSetup(db, name, input),
    'compare.setups.delete': ({ id }) => ({ deleted: deleteChartSetup(db, id) }),
    'reports.create': async (input) => (await reports()).createReport(db, input, pdf),
    'reports.list': () => listReportRecords(db),
    'reports.regenerate': async ({ id, format }) =>
      (await reports()).regenerateReport(db, id, format, pdf),
    'bundles.import': async ({ file }) =>
      (await bundles()).importBundle(db, file, uploadsDir(workspaceDir)),
  };
}
