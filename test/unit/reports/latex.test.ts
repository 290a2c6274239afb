import { describe, expect, it } from 'vitest';
import { escapeLatex, renderLatex } from '../../../src-main/reports/latex';
import { reportContext } from '../../../src-main/reports/reportContext';
import { comparisonFixture } from './fixture';

describe('LaTeX report', () => {
  it('escapes every special character once', () => {
    expect(escapeLatex('a_b & c% $5 #1 {x} ~ ^ \\ <>|"')).toBe(
      'a\\_b \\& c\\% \\$5 \\#1 \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{} ' +
        '\\textless{}\\textgreater{}\\textbar{}\\textquotedbl{}',
    );
    expect(escapeLatex('\\textbf{x}')).toBe('\\textbackslash{}textbf\\{x\\}');
    expect(escapeLatex('0.9 ± 0.1, Δ, line\nbreak')).toBe('0.9 $\\pm$ 0.1, $\\Delta$, line break');
  });

  it('writes booktabs tables of the summary and gains, user text escaped', () => {
    const comparison = comparisonFixture();
    const tex = renderLatex(comparison, reportContext(comparison, 'tex', 'R&D_100%'));
    expect(tex).toContain('\\usepackage{booktabs}');
    expect(tex).toContain('\\title{R\\&D\\_100\\%}');
    expect(tex.match(/\\toprule/g)).toHaveLength(3);
    expect(tex).toContain('\\label{tab:summary}');
    expect(tex).toContain('\\label{tab:gains}');
    expect(tex).toContain("t\\&\\textless{}b\\textgreater{}'arget'\\textless{}/b\\textgreater{}");
    expect(tex).toContain('% negative transfer');
    // Outside comments, no unescaped special character from user text survives.
    const body = tex
      .split('\n')
      .filter((l) => !l.startsWith('%'))
      .join('\n');
    expect(body).not.toMatch(/[^\\]&lt;|<img|<\/script>/);
  });

  it('keeps a row whose variant starts with [ from being read as an optional argument', () => {
    const comparison = comparisonFixture();
    const first = comparison.summary.rows[0];
    if (!first) throw new Error('fixture has rows');
    first.variant = '[tuned] fine-tune · l2sp λ=0.01';
    const tex = renderLatex(comparison, reportContext(comparison, 'tex', 'T'));
    expect(tex).toContain(
      '\\midrule\n{}[tuned] fine-tune $\\cdot$ l2sp $\\lambda$=0.01 & 91.00 $\\pm$ 1.00 \\% (n=3)',
    );
  });
});
