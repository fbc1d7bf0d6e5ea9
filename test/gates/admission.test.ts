import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sloStatus } from '../policy/status-fixture.js';
import { deployment, review } from './admission-review.js';
import { startGateApp } from './harness.js';
import type { GateHarness } from './harness.js';

let harness: GateHarness;
beforeAll(async () => {
  harness = await startGateApp({
    policies: [
      {
        name: 'production-releases',
        selector: { services: ['checkout'], slos: [], labels: {} },
        rules: [
          { name: 'budget-exhausted', decision: 'deny', when: { budgetRemainingBelow: 0 }, environments: ['production'], actions: ['deploy', 'config'], reason: '{slo} has spent its error budget ({budgetRemaining} remaining)' },
          { name: 'budget-low', decision: 'warn', when: { budgetRemainingBelow: 0.25 }, environments: [], actions: [], reason: '{slo} has {budgetRemaining} of its error budget left' },
        ],
        overrides: [{ label: 'type', values: ['security'] }],
        onNoData: 'warn',
      },
    ],
  });
});
afterAll(async () => harness.close());

const checkoutLabels = { 'app.kubernetes.io/name': 'checkout', 'app.kubernetes.io/part-of': 'shop' };

interface AdmissionAnswer {
  response: { uid: string; allowed: boolean; status: { code: number; message: string }; warnings: string[] };
  error?: { code: string; message: string };
}

async function admit(payload: unknown, path = '/api/v1/admission/production') {
  const response = await fetch(`${harness.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  const body = (await response.json()) as AdmissionAnswer;
  return { status: response.status, body };
}

describe('Kubernetes AdmissionReview v1', () => {
  it('allows a Deployment create while the budget is healthy, echoing the uid', async () => {
    harness.statuses.evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.2 })]);
    const { status, body } = await admit(review('705ab4f5-6393-11e8-b7cc-42010a800002', 'CREATE', deployment({ name: 'checkout', labels: checkoutLabels, image: 'registry.example.com/shop/checkout:1.4.1', replicas: 3 })));
    expect(status).toBe(200);
    expect(body).toEqual({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', allowed: true } });
  });

  it('denies a Deployment update with a new image while production is frozen, with the reason and code 403', async () => {
    harness.statuses.evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 1.3 })]);
    const before = deployment({ name: 'checkout', labels: checkoutLabels, image: 'registry.example.com/shop/checkout:1.4.1', replicas: 3 });
    const after = deployment({ name: 'checkout', labels: checkoutLabels, image: 'registry.example.com/shop/checkout:1.4.2', replicas: 3 });
    const { status, body } = await admit(review('b3e1c5c2-0f3a-4d5e-9a41-2f1f0c7c1a11', 'UPDATE', after, before));
    expect(status).toBe(200);
    expect(body.response.uid).toBe('b3e1c5c2-0f3a-4d5e-9a41-2f1f0c7c1a11');
    expect(body.response.allowed).toBe(false);
    expect(body.response.status.code).toBe(403);
    expect(body.response.status.message).toMatch(/^sloe: deploy of checkout to production: deny by policy production-releases \(decision \S+\): checkout-availability has spent its error budget \(-30% remaining\)$/);
    const [recorded] = harness.policy.gates.decisions({ service: 'checkout', limit: 1 }).data;
    expect(recorded).toMatchObject({ via: 'admission', decision: 'deny', requester: 'system:serviceaccount:argocd:argocd-application-controller', release: { uid: 'b3e1c5c2-0f3a-4d5e-9a41-2f1f0c7c1a11', operation: 'UPDATE', kind: 'Deployment' } });
  });

  it('lets a replicas-only update through as provisioning, with the warning', async () => {
    const before = deployment({ name: 'checkout', labels: checkoutLabels, image: 'registry.example.com/shop/checkout:1.4.1', replicas: 3 });
    const after = deployment({ name: 'checkout', labels: checkoutLabels, image: 'registry.example.com/shop/checkout:1.4.1', replicas: 6 });
    const { body } = await admit(review('c1', 'UPDATE', after, before));
    expect(body.response).toMatchObject({ uid: 'c1', allowed: true, warnings: ['checkout-availability has -30% of its error budget left'] });
  });

  it('holds production but not staging', async () => {
    const object = deployment({ name: 'checkout', labels: checkoutLabels, image: 'registry.example.com/shop/checkout:1.4.2', replicas: 3 });
    expect((await admit(review('d1', 'CREATE', object), '/api/v1/admission?env=staging')).body.response).toMatchObject({ uid: 'd1', allowed: true, warnings: ['checkout-availability has -30% of its error budget left'] });
    expect((await admit(review('d2', 'CREATE', object), '/api/v1/admission/production')).body.response).toMatchObject({ uid: 'd2', allowed: false });
  });

  it('takes the service from sloe.dev/service and honours a security-fix label as a recorded override', async () => {
    const object = deployment({ name: 'checkout-v2', labels: { 'sloe.dev/service': 'checkout', 'sloe.dev/type': 'security' }, image: 'registry.example.com/shop/checkout:1.4.3', replicas: 3 });
    const { body } = await admit(review('e1', 'CREATE', object));
    expect(body.response).toMatchObject({ uid: 'e1', allowed: true });
    expect(body.response.warnings[0]).toMatch(/^override: sloe\.dev\/type=security lets the change through/);
    const [recorded] = harness.policy.gates.decisions({ service: 'checkout', limit: 1 }).data;
    expect(recorded).toMatchObject({ override: 'sloe.dev/type=security', decision: 'allow' });
  });

  it('warns during the warn band', async () => {
    harness.statuses.evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 0.9 })]);
    const object = deployment({ name: 'checkout', labels: checkoutLabels, image: 'registry.example.com/shop/checkout:1.4.2', replicas: 3 });
    const { body } = await admit(review('f1', 'CREATE', object));
    expect(body.response).toMatchObject({ uid: 'f1', allowed: true, warnings: ['checkout-availability has 10% of its error budget left'] });
  });

  it('answers a dry run without recording it', async () => {
    const count = harness.policy.gates.decisions({ limit: 1000 }).data.length;
    const object = deployment({ name: 'checkout', labels: checkoutLabels, image: 'registry.example.com/shop/checkout:1.4.2', replicas: 3 });
    const { body } = await admit({ ...review('h1', 'CREATE', object), request: { ...review('h1', 'CREATE', object).request, dryRun: true } });
    expect(body.response).toMatchObject({ uid: 'h1', allowed: true, warnings: ['checkout-availability has 10% of its error budget left'] });
    expect(harness.policy.gates.decisions({ limit: 1000 }).data).toHaveLength(count);
  });

  it('allows a delete without a decision', async () => {
    harness.statuses.evaluate([sloStatus({ name: 'checkout-availability', service: 'checkout', consumed: 2 })]);
    const count = harness.policy.gates.decisions({ limit: 1000 }).data.length;
    const old = deployment({ name: 'checkout', labels: checkoutLabels, image: 'x', replicas: 1 });
    expect((await admit(review('g1', 'DELETE', null, old))).body.response).toEqual({ uid: 'g1', allowed: true });
    expect(harness.policy.gates.decisions({ limit: 1000 }).data).toHaveLength(count);
  });

  it('answers a malformed review with 400 and the reason', async () => {
    const missingUid = review('', 'CREATE', deployment({ name: 'checkout', labels: checkoutLabels, image: 'x', replicas: 1 }));
    expect(await admit(missingUid)).toEqual({ status: 400, body: { error: { code: 'bad_request', message: 'AdmissionReview: request.uid: expected a string' } } });
    expect(await admit({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} })).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: 'AdmissionReview: apiVersion: expected admission.k8s.io/v1, got "admission.k8s.io/v1beta1"' } },
    });
    const response = await fetch(`${harness.url}/api/v1/admission`, { method: 'POST', body: '{"apiVersion":' });
    expect(response.status).toBe(400);
  });
});
