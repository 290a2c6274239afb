import * as echarts from 'echarts';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src-main/reports/escape';
import { renderHtml, REPORT_CSP } from '../../../src-main/reports/html';
import { escapeMarkdown, renderMarkdown } from '../../../src-main/reports/markdown';
import { reportContext } from '../../../src-main/reports/reportContext';
import { assertSafeSvg, renderSvg } from '../../../src-main/reports/svgChart';
import { comparisonFixture, HOSTILE } from './fixture';

/** Every tag in the document, text content excluded. */
const tags = (html: string): string[] => [...html.matchAll(/<[^>]*>/g)].map((m) => m[0]);

describe('HTML report', () => {
  const comparison = comparisonFixture();
  const html = renderHtml(comparison, reportContext(comparison, 'html', HOSTILE.experiment));

  it('has a strict CSP first in <head> and no script at all', () => {
    expect(
      html.indexOf(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`),
    ).toBeLessThan(html.indexOf('<title>'));
    expect(html).not.toMatch(/<script/i);
    for (const tag of tags(html)) {
      expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
      expect(tag).not.toMatch(/(src|href)\s*=\s*"(?!#)/i);
    }
  });

  it('escapes every user string, in tables and charts alike', () => {
    for (const hostile of Object.values(HOSTILE)) expect(html).not.toContain(hostile);
    expect(html).toContain(escapeHtml(HOSTILE.experiment));
    expect(html).toContain(escapeHtml(HOSTILE.tag));
    expect(html).toContain(`<title>${escapeHtml(HOSTILE.experiment)}</title>`);
  });

  it('shows the tables, the charts with their band, and how to regenerate', () => {
    expect(html).toContain('91.00 ± 1.00 % (n=3)');
    expect(html).toContain('class="negative"');
    expect(html).toContain('Shaded band: 95% confidence interval (Student t)');
    expect(html).toContain('crossover');
    expect(html.match(/<svg /g)?.length).toBe(5);
    expect(html).toContain('npx transferlab report 1 --title');
    expect(html).toContain('&quot;experimentIds&quot;: [');
  });
});

describe('ECharts server-side rendering', () => {
  it('escapes the text it writes into SVG (names are given to it raw)', () => {
    const svg = renderSvg(
      {
        title: { text: HOSTILE.experiment },
        xAxis: { type: 'category', data: [HOSTILE.strategyNote] },
        yAxis: {},
        legend: { data: [HOSTILE.tag] },
        series: [{ name: HOSTILE.tag, type: 'line', data: [1] }],
      },
      'test',
    );
    for (const hostile of [HOSTILE.experiment, HOSTILE.strategyNote, HOSTILE.tag]) {
      expect(svg).not.toContain(hostile);
      expect(svg).toContain(escapeHtml(hostile).replace(/&#39;/g, "'"));
    }
    expect(echarts.version).toMatch(/^[56]\./);
  });

  it('refuses SVG with scripts, handlers or links', () => {
    expect(() => {
      assertSafeSvg('<svg><script>alert(1)</script></svg>');
    }).toThrow();
    expect(() => {
      assertSafeSvg('<svg><rect onload="x"/></svg>');
    }).toThrow();
    expect(() => {
      assertSafeSvg('<svg><a href="https://x">x</a></svg>');
    }).toThrow();
    expect(() => {
      assertSafeSvg('<svg><text>&lt;svg onload=alert(3)&gt;</text></svg>');
    }).not.toThrow();
  });
});

describe('Markdown report', () => {
  it('escapes Markdown and HTML in user text', () => {
    expect(escapeMarkdown('a|b *c* <img> [x](y)')).toBe('a\\|b \\*c\\* &lt;img&gt; \\[x\\](y)');
    const comparison = comparisonFixture();
    const md = renderMarkdown(comparison, reportContext(comparison, 'md', 'T'));
    for (const hostile of [HOSTILE.experiment, HOSTILE.strategyNote, HOSTILE.tag, HOSTILE.target])
      expect(md).not.toContain(hostile);
    expect(md).not.toMatch(/<(img|script|svg)/);
    expect(md).toContain('## Transfer gains');
    expect(md).toContain('⚠');
  });
});
