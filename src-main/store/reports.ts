import { z } from 'zod';
import { CompareInputSchema } from '../../src-shared/rpc/compare';
import {
  ReportFormatSchema,
  type ReportFormat,
  type ReportRecord,
} from '../../src-shared/rpc/reports';
import type { CompareRequest } from '../../src-shared/rpc/compare';
import type { Db } from './db';
import { nowIso, readJson } from './json';

/** The `reports` table (migration 006): one row per exported report, with its request. */
interface ReportRow {
  id: number;
  format: string;
  title: string;
  request: string;
  run_ids: string;
  file_name: string;
  sha256: string;
  created_at: string;
}

const RunIdsSchema = z.array(z.int());

export interface NewReport {
  format: ReportFormat;
  title: string;
  request: CompareRequest;
  runIds: number[];
  fileName: string;
  sha256: string;
}

export function insertReport(db: Db, r: NewReport): ReportRecord {
  const createdAt = nowIso();
  const info = db
    .prepare(
      `INSERT INTO reports (format, title, request, run_ids, file_name, sha256, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      r.format,
      r.title,
      JSON.stringify(r.request),
      JSON.stringify(r.runIds),
      r.fileName,
      r.sha256,
      createdAt,
    );
  return { id: Number(info.lastInsertRowid), ...r, createdAt };
}

function fromRow(row: ReportRow): ReportRecord {
  return {
    id: row.id,
    format: readJson(ReportFormatSchema, JSON.stringify(row.format), `format of report #${row.id}`),
    title: row.title,
    request: readJson(CompareInputSchema, row.request, `request of report #${row.id}`),
    runIds: readJson(RunIdsSchema, row.run_ids, `runs of report #${row.id}`),
    fileName: row.file_name,
    sha256: row.sha256,
    createdAt: row.created_at,
  };
}

export function listReportRecords(db: Db): ReportRecord[] {
  return (db.prepare('SELECT * FROM reports ORDER BY id DESC').all() as ReportRow[]).map(fromRow);
}

export function getReportRecord(db: Db, id: number): ReportRecord | undefined {
  const row = db.prepare('SELECT * FROM reports WHERE id = ?').get(id) as ReportRow | undefined;
  return row ? fromRow(row) : undefined;
}
