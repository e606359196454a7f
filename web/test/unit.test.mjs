// Unit tests of the explorer's plain modules: the view's spelling in the
// URL, dates and filters, the timeline's lanes and ticks, node sizes. Run
// by scripts/e2e before the browser tests, or alone with
//
//   node --test web/test/unit.test.mjs

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ceil, floor, inRange, isDate, keepsEdge, keepsNode, noFilters, precision, when } from '../explorer/filters.js';
import { KINDS, REL_TYPES, STATUSES, nodeSize, relStyle } from '../explorer/style.js';
import { buildLanes, extent, ticks } from '../explorer/timeline.js';
import { dataKey, emptyView, formatHash, parseHash } from '../explorer/view.js';

describe('view in the URL', () => {
  it('round-trips a full view, with defaults left out', () => {
    const v = emptyView();
    v.center = 'country/mexico';
    v.depth = 2;
    v.cap = 10;
    v.expand = [
      { id: 'person/donald-trump', pages: 1 },
      { id: 'country/mexico', pages: 3 },
    ];
    v.collapse = ['country/mexico'];
    v.add = ['person/jd-vance|SUPPORTS|policy/us-fto-designation-mexican-cartels'];
    v.filters = { types: ['LEADS', 'TARGETS'], kinds: ['PERSON', 'POLICY'], statuses: ['IN_FORCE'], from: '2025-01', to: '2025-03-31', undated: false };
    v.path = { from: 'person/pete-hegseth', to: 'organization/sinaloa-cartel', pick: 2 };
    v.sel = 'person/claudia-sheinbaum|LEADS|country/mexico';
    v.zoom = 1.25;
    v.at = { id: 'country/mexico', dx: -12, dy: 30 };
    v.timeline = false;
    const hash = formatHash(v);
    assert.equal(
      hash,
      'center=country/mexico&depth=2&cap=10&expand=person/donald-trump,country/mexico*3&collapse=country/mexico' +
        '&add=person/jd-vance|SUPPORTS|policy/us-fto-designation-mexican-cartels&types=LEADS,TARGETS&kinds=PERSON,POLICY' +
        '&status=IN_FORCE&from=2025-01&to=2025-03-31&undated=0&path=person/pete-hegseth,organization/sinaloa-cartel&pick=2' +
        '&sel=person/claudia-sheinbaum|LEADS|country/mexico&zoom=1.25&at=country/mexico&off=-12,30&timeline=0',
    );
    const { view, problems } = parseHash(`#${hash}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(view, v);
    assert.equal(formatHash(emptyView()), '');
  });

  it('reads the old #center= form and percent-encoded values', () => {
    const { view } = parseHash('#center=person%2Fclaudia-sheinbaum');
    assert.equal(view.center, 'person/claudia-sheinbaum');
    assert.equal(formatHash(view), 'center=person/claudia-sheinbaum');
  });

  it('drops what it cannot read and says so', () => {
    const { view, problems } = parseHash('center=country/mexico&depth=9&cap=7&types=LEADS,FRIENDS&kinds=person&from=Feb&expand=a*0,b,b&path=x&zoom=-1');
    assert.equal(view.center, 'country/mexico');
    assert.equal(view.depth, 1);
    assert.equal(view.cap, 25);
    assert.deepEqual(view.filters.types, ['LEADS']);
    assert.deepEqual(view.filters.kinds, ['PERSON']);
    assert.equal(view.filters.from, '');
    assert.deepEqual(view.expand, [{ id: 'b', pages: 1 }]);
    assert.equal(view.path, null);
    assert.equal(view.zoom, null);
    assert.deepEqual(problems, ['depth=9', 'cap=7', 'expand=a*0', 'types=FRIENDS', 'from=Feb', 'path=x', 'zoom=-1']);
  });

  it('tells data changes from restyles', () => {
    const a = emptyView();
    a.center = 'country/mexico';
    const b = structuredClone(a);
    b.filters.kinds = ['PERSON'];
    b.zoom = 2;
    b.sel = 'country/mexico';
    b.collapse = ['country/mexico'];
    assert.equal(dataKey(a), dataKey(b));
    b.filters.types = ['LEADS'];
    assert.notEqual(dataKey(a), dataKey(b));
  });
});

describe('dates and filters', () => {
  it('reads API dates', () => {
    assert.ok(isDate('2025') && isDate('2025-02') && isDate('2024-02-29'));
    for (const bad of ['25', '2025-13', '2025-02-30', '2023-02-29', '2025/02', 'February', '']) assert.ok(!isDate(bad), bad);
    assert.equal(precision('2025'), 'year');
    assert.equal(precision('2025-02'), 'month');
    assert.equal(precision('2025-02-19'), 'day');
    assert.equal(floor('2025-02'), Date.UTC(2025, 1, 1));
    assert.equal(ceil('2025-02'), Date.UTC(2025, 2, 1));
    assert.equal(ceil('2025-12-31'), Date.UTC(2026, 0, 1));
    assert.equal(ceil('2025'), Date.UTC(2026, 0, 1));
  });

  it('compares ranges as the API does: a date by its first day', () => {
    const cases = [
      ['2025-02-19', '2025', '2025-02', true],
      ['2025', '2025-02', '', false], // 2025 begins before February
      ['2025-02', '2025-02', '2025-02', true],
      ['2025-03-01', '', '2025-02', false],
      ['2025-02-28', '', '2025-02', true],
    ];
    for (const [d, from, to, want] of cases) assert.equal(inRange(d, from, to), want, `${d} in [${from}, ${to}]`);
  });

  it('dates policies by date, else start, and relationships by date, start, else end', () => {
    assert.equal(when({ kind: 'POLICY', date: '', start: '2025-03' }), '2025-03');
    assert.equal(when({ kind: 'PERSON', date: '2025' }), '');
    assert.equal(when({ type: 'LEADS', date: '', start: '', end: '2024' }), '2024');
  });

  it('keeps what the filters let through', () => {
    const f = noFilters();
    const policy = { kind: 'POLICY', status: 'POSTPONED', date: '2025-02' };
    const undated = { kind: 'POLICY', status: 'IN_FORCE', date: '', start: '' };
    const person = { kind: 'PERSON' };
    assert.ok(keepsNode(policy, f) && keepsNode(person, f) && keepsNode(undated, f));
    assert.ok(!keepsNode(person, { ...f, kinds: ['POLICY'] }));
    assert.ok(!keepsNode(policy, { ...f, statuses: ['IN_FORCE'] }));
    assert.ok(keepsNode(person, { ...f, statuses: ['IN_FORCE'] }), 'statuses filter policies only');
    assert.ok(keepsNode(policy, { ...f, from: '2025-02', to: '2025-02' }));
    assert.ok(!keepsNode(policy, { ...f, from: '2025-03' }));
    assert.ok(keepsNode(undated, { ...f, from: '2025-03' }));
    assert.ok(!keepsNode(undated, { ...f, from: '2025-03', undated: false }));
    assert.ok(keepsNode(person, { ...f, from: '2025-03', undated: false }), 'people are not dated');
    assert.ok(!keepsEdge({ type: 'LEADS' }, { ...f, types: ['TARGETS'] }));
    assert.ok(!keepsEdge({ type: 'LEADS', start: '2024-10' }, { ...f, from: '2025' }));
    assert.ok(keepsEdge({ type: 'LEADS', start: '' }, { ...f, from: '2025' }));
  });
});

describe('timeline', () => {
  const policy = { id: 'policy/t', label: 'Tariffs', type: 'TARIFF', status: 'POSTPONED' };
  const rel = { id: 'a|LEADS|b', type: 'LEADS', source: 'a', target: 'b', status: 'FORMER', fromName: 'A', toName: 'B' };

  it('puts every event of a policy in one lane, in date order, with its own status', () => {
    const lanes = buildLanes([
      { date: '2025-03-04', policy, status: 'IN_FORCE' },
      { date: '2024', relationship: rel },
      { date: '2025-01-20', policy, status: 'THREATENED', note: 'first threat' },
      { date: '2025-02', policy },
    ]);
    assert.deepEqual(
      lanes.map((l) => [l.id, l.events.map((e) => `${e.date}:${e.status}`)]),
      [
        ['a|LEADS|b', ['2024:FORMER']],
        ['policy/t', ['2025-01-20:THREATENED', '2025-02:POSTPONED', '2025-03-04:IN_FORCE']],
      ],
    );
    assert.deepEqual(lanes[1].events[0].extra, { note: 'first threat' });
    assert.equal(lanes[1].events[0].step, false);
    assert.deepEqual(lanes[0].nodes, ['a', 'b']);
    assert.deepEqual(extent(lanes), [Date.UTC(2024, 0, 1), Date.UTC(2025, 2, 5)]);
  });

  it('reads a status change the event carries as an object', () => {
    const lanes = buildLanes([
      { date: '2025-02-03', policy, relationship: null, change: { status: 'POSTPONED', note: 'for a month' } },
      { date: '2025-03-04', policy, relationship: null, change: null },
    ]);
    assert.equal(lanes.length, 1);
    assert.deepEqual(
      lanes[0].events.map((e) => [e.date, e.status, e.extra, e.step]),
      [
        ['2025-02-03', 'POSTPONED', { note: 'for a month' }, true],
        ['2025-03-04', 'POSTPONED', {}, false],
      ],
    );
  });

  it('ticks by year, month or day as the span asks', () => {
    const years = ticks(Date.UTC(2000, 0, 1), Date.UTC(2025, 0, 1));
    assert.ok(years.length >= 5 && years.length <= 13, `${years.length} year ticks`);
    assert.ok(years.every((t) => /^\d{4}$/.test(t.label)));
    const months = ticks(Date.UTC(2024, 10, 15), Date.UTC(2025, 4, 1));
    assert.deepEqual(
      months.map((t) => t.label),
      ['Dec 2024', 'Jan 2025', 'Feb', 'Mar', 'Apr', 'May'],
    );
    const days = ticks(Date.UTC(2025, 1, 1), Date.UTC(2025, 1, 20));
    assert.ok(days.length >= 6 && days.length <= 14 && days[0].label === '1 Feb', days.map((t) => t.label).join());
  });
});

describe('style', () => {
  it('has a look for every kind, relationship type and status of the vocabulary', () => {
    assert.deepEqual(Object.keys(KINDS), ['PERSON', 'ORGANIZATION', 'COUNTRY', 'POLICY']);
    assert.equal(Object.keys(REL_TYPES).length, 16);
    assert.equal(STATUSES.length, 11);
    // No two types look alike: colour and line style together differ.
    const looks = Object.values(REL_TYPES).map((s) => `${s.color}/${s.line}`);
    assert.equal(new Set(looks).size, looks.length);
    assert.equal(relStyle('UNKNOWN').line, 'solid');
  });

  it('sizes nodes by degree, growing and bounded', () => {
    assert.equal(nodeSize(0), 22);
    assert.ok(nodeSize(1) < nodeSize(5) && nodeSize(5) < nodeSize(19));
    assert.equal(nodeSize(100000), 84);
  });
});
