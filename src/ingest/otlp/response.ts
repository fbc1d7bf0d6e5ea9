/** `ExportMetricsServiceResponse`, with `partial_success` set only when some data points were rejected. */
export interface OtlpResponse {
  readonly rejectedDataPoints: number;
  readonly errorMessage: string;
}

export function otlpResponseJson(response: OtlpResponse): string {
  if (response.rejectedDataPoints === 0 && response.errorMessage === '') return '{}';
  // int64 is a decimal string in OTLP JSON.
  return JSON.stringify({ partialSuccess: { rejectedDataPoints: String(response.rejectedDataPoints), errorMessage: response.errorMessage } });
}

export function otlpResponseProto(response: OtlpResponse): Uint8Array {
  if (response.rejectedDataPoints === 0 && response.errorMessage === '') return new Uint8Array(0);
  const inner: number[] = [];
  if (response.rejectedDataPoints > 0) inner.push(0x08, ...varint(response.rejectedDataPoints));
  const message = new TextEncoder().encode(response.errorMessage);
  if (message.length > 0) inner.push(0x12, ...varint(message.length), ...message);
  return Uint8Array.from([0x0a, ...varint(inner.length), ...inner]);
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}
