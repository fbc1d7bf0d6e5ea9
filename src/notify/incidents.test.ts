import { describe, expect, it } from 'vitest';
import { status } from '../../test/notify/fixtures.js';
import { heldBack, incidentConditions, urgencyOf } from './incidents.js';

describe('incidents of an objective', () => {
  it('groups tiers by severity: either page tier firing fires the one page incident, named after its fastest firing tier', () => {
    const conditions = incidentConditions(status('a', { 'page-slow': 'firing', 'page-fast': 'firing' }), false);
    expect(conditions.map((c) => [c.incident, c.firing, c.tier?.tier])).toEqual([
      ['a/page', true, 'page-fast'],
      ['a/ticket', false, undefined],
      ['a/nodata', false, undefined],
    ]);
  });

  it('a renamed severity keeps the urgency of its tiers', () => {
    const renamed = status('a', { 'page-fast': 'firing' });
    const alerts = renamed.alerts.map((alert) => ({ ...alert, severity: alert.severity === 'page' ? 'critical' : 'warning' }));
    const conditions = incidentConditions({ ...renamed, alerts }, false);
    expect(conditions.map((c) => [c.incident, c.urgency])).toEqual([
      ['a/critical', 'page'],
      ['a/warning', 'ticket'],
      ['a/nodata', 'ticket'],
    ]);
    expect(urgencyOf('sev1', [{ ...alerts[0]!, tier: 'fast', severity: 'sev1' }], 0)).toBe('page');
    expect(urgencyOf('sev2', [{ ...alerts[0]!, tier: 'slow', severity: 'sev2' }], 1)).toBe('ticket');
  });

  it('a page outranks a ticket even when ticket tiers are listed first', () => {
    const listed = status('a', { 'page-fast': 'firing', 'ticket-fast': 'firing' });
    const reordered = { ...listed, alerts: [...listed.alerts.filter((alert) => alert.severity === 'ticket'), ...listed.alerts.filter((alert) => alert.severity === 'page')] };
    expect([...heldBack(incidentConditions(reordered, false))]).toEqual(['a/ticket']);
  });

  it('pending and resolved tiers are not firing', () => {
    const conditions = incidentConditions(status('a', { 'page-fast': 'pending', 'ticket-fast': 'resolved' }), false);
    expect(conditions.filter((c) => c.firing)).toEqual([]);
  });

  it('a firing page holds back a firing ticket of the same objective', () => {
    const conditions = incidentConditions(status('a', { 'page-slow': 'firing', 'ticket-fast': 'firing', 'ticket-slow': 'firing' }), false);
    expect([...heldBack(conditions)]).toEqual(['a/ticket']);
    const ticketOnly = incidentConditions(status('a', { 'ticket-slow': 'firing' }), false);
    expect([...heldBack(ticketOnly)]).toEqual([]);
  });

  it('no-data takes the least urgent severity and follows the verdict it is given, or the engine\'s nodata tier', () => {
    const quiet = status('a', {}, { health: 'nodata' });
    expect(incidentConditions(quiet, true).at(-1)).toMatchObject({ incident: 'a/nodata', severity: 'ticket', kind: 'nodata', firing: true });
    const fromEngine = { ...quiet, alerts: [...quiet.alerts, { ...quiet.alerts[0]!, tier: 'nodata', severity: 'page', state: 'firing' as const }] };
    expect(incidentConditions(fromEngine, false).at(-1)).toMatchObject({ severity: 'page', firing: true });
  });

  it('activeSince is the earliest firing tier\'s', () => {
    const since = Date.UTC(2026, 0, 1);
    expect(incidentConditions(status('a', { 'page-fast': 'firing' }, { activeSince: since }), false)[0]?.activeSince).toBe(since);
  });
});
