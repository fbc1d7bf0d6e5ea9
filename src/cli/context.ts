/** What a command needs from the process, so commands are testable without spawning one. */
export interface CommandContext {
  exitCode: number;
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY: boolean;
}
