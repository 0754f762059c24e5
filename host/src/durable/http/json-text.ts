/** Parses stored JSON text; text that is not JSON (a terminate reason, a failure reason) is returned as is. */
export function parseLenient(text: string | null): unknown {
  if (text === null) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
