/** A part of a query the embedded engine cannot evaluate; thrown inside the compiler and returned as a result. */
export class Refusal extends Error {
  readonly from: number | undefined;
  readonly to: number | undefined;

  constructor(part: string, at?: { readonly from: number; readonly to: number }, options: { verbatim?: boolean } = {}) {
    super(options.verbatim ? part : `${part} is not supported by the embedded engine`);
    this.name = 'Refusal';
    this.from = at?.from;
    this.to = at?.to;
  }
}
