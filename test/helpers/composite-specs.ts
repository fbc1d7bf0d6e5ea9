/** sloe/v1 documents for composite tests: member SLOs on a request counter, and composites over them. */

/** A member SLO of service `shop`: its bad and total events are `metric`'s 500s and all its requests of `job`. */
export function memberSpec(name: string, target: number, options: { job?: string; metric?: string } = {}): string {
  const job = options.job ?? name;
  const metric = options.metric ?? 'requests_total';
  return `apiVersion: sloe/v1
kind: SLO
metadata: { name: ${name} }
spec:
  service: shop
  objectives: [ { target: ${target} } ]
  sli:
    ratio:
      bad: sum(rate(${metric}{job="${job}",code="500"}[{{.window}}]))
      total: sum(rate(${metric}{job="${job}"}[{{.window}}]))
`;
}

/** A composite SLO of service `journeys`; `members` is the YAML flow list, e.g. `[ { slo: login }, { slo: pay, weight: 2 } ]`. */
export function compositeSpec(name: string, method: string, target: number, members: string): string {
  return `apiVersion: sloe/v1
kind: SLO
metadata: { name: ${name} }
spec:
  service: journeys
  objectives: [ { target: ${target} } ]
  composite:
    method: ${method}
    members: ${members}
`;
}
