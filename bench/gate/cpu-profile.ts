/** The parts of a V8 CPU profile (`--cpu-prof`'s .cpuprofile JSON) the gate bench's profile readers use. */
export interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

export interface Profile {
  readonly nodes: readonly ProfileNode[];
  /** When sampling started, µs on the monotonic clock (process.hrtime's). */
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}
