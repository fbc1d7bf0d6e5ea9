/**
 * A share (0 to 1) in per cent to `digits` decimals, never rounded onto its bounds: a share above 0 that rounds to 0
 * reads `<0.1` (for one decimal), a share below 1 that rounds to 100 reads `>99.9`. Coverage is why: three minutes of
 * data in a 30-day period is 0.007 %, and "data for 0.0 % of the period" beside a budget figure reads as no data at
 * all, as "100 %" for a period missing minutes reads as complete. The unit is the caller's (`%` or ` %`).
 */
export function sharePercent(share: number, digits: number): string {
  const text = (share * 100).toFixed(digits);
  const least = 10 ** -digits;
  if (share > 0 && Number(text) === 0) return `<${least.toFixed(digits)}`;
  if (share < 1 && Number(text) === 100) return `>${(100 - least).toFixed(digits)}`;
  return text;
}
