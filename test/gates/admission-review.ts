/** Full AdmissionReview v1 requests as the Kubernetes API server sends them to a validating webhook. */

function deployment(options: { name: string; labels: Record<string, string>; image: string; replicas: number; annotations?: Record<string, string> }) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: options.name,
      namespace: 'shop',
      labels: options.labels,
      annotations: { 'deployment.kubernetes.io/revision': '7', ...options.annotations },
      uid: '4d2c6e38-71c1-4f7c-9b66-2f4b4d2a4f10',
      generation: 7,
      creationTimestamp: '2026-11-20T09:14:03Z',
      managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2026-11-26T11:58:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
    },
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': options.labels['app.kubernetes.io/name'] ?? options.name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': options.labels['app.kubernetes.io/name'] ?? options.name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: options.image,
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              resources: { requests: { cpu: '100m', memory: '128Mi' } },
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              imagePullPolicy: 'IfNotPresent',
            },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          securityContext: {},
          schedulerName: 'default-scheduler',
        },
      },
    },
    status: {},
  };
}

type Deployment = ReturnType<typeof deployment>;

export function review(uid: string, operation: 'CREATE' | 'UPDATE' | 'DELETE', object: Deployment | null, oldObject: Deployment | null = null, subResource?: string) {
  const name = object?.metadata.name ?? oldObject?.metadata.name;
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: 'apps', version: 'v1', kind: subResource === 'scale' ? 'Scale' : 'Deployment' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      ...(subResource ? { subResource } : {}),
      requestKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      requestResource: { group: 'apps', version: 'v1', resource: 'deployments' },
      name,
      namespace: 'shop',
      operation,
      userInfo: { username: 'system:serviceaccount:argocd:argocd-application-controller', uid: '9b0c7c3e-0bd2-4f59-a9f0-64b1c5e8a1d2', groups: ['system:serviceaccounts', 'system:serviceaccounts:argocd', 'system:authenticated'] },
      object,
      oldObject,
      dryRun: false,
      options: operation === 'CREATE' ? { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions', fieldManager: 'argocd-controller' } : operation === 'UPDATE' ? { apiVersion: 'meta.k8s.io/v1', kind: 'UpdateOptions', fieldManager: 'argocd-controller' } : { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', propagationPolicy: 'Background' },
    },
  };
}

export { deployment };
